use crate::db::FileId;
use crate::span::{Pos, Span};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::ops::Deref;

/// A value with the span it was read from.
///
/// Decodes only through [`crate::decode`] (which knows positions); any other
/// serde deserializer reports an error. Equality and ordering look at the value only.
#[derive(Debug, Clone, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }

    /// A value with no place in any file (a default, or computed).
    pub fn detached(value: T) -> Self {
        Spanned {
            value,
            span: Span::detached(),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }

    pub fn as_ref(&self) -> Spanned<&T> {
        Spanned {
            value: &self.value,
            span: self.span,
        }
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Spanned<T> {}

impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}
impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

pub(crate) const NAME: &str = "$__eksplane_spanned";
pub(crate) const SPAN_FIELD: &str = "$__eksplane_span";
pub(crate) const VALUE_FIELD: &str = "$__eksplane_value";
pub(crate) const FIELDS: &[&str] = &[SPAN_FIELD, VALUE_FIELD];

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value with a source position")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut span = None;
                let mut value = None;
                while let Some(k) = m.next_key::<String>()? {
                    if k == SPAN_FIELD {
                        let [file, sl, sc, el, ec]: [u32; 5] = m.next_value()?;
                        span = Some(Span::new(FileId(file), Pos::new(sl, sc), Pos::new(el, ec)));
                    } else if k == VALUE_FIELD {
                        value = Some(m.next_value()?);
                    } else {
                        return Err(de::Error::custom(
                            "Spanned<T> decodes only through eksplane_source::decode",
                        ));
                    }
                }
                match (span, value) {
                    (Some(span), Some(value)) => Ok(Spanned { value, span }),
                    _ => Err(de::Error::custom("internal: incomplete spanned value")),
                }
            }
        }
        d.deserialize_struct(NAME, FIELDS, V(std::marker::PhantomData))
    }
}
