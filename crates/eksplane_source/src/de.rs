//! serde decoding from a [`Node`] tree, keeping positions.
//!
//! Scalars follow the YAML 1.2 core schema for `deserialize_any`; typed requests
//! are lenient the way Kubernetes' decoder is where that is harmless (a plain
//! `1.31` read as a string keeps its text, `null` for a list is an empty list) and
//! strict where it is not (a quoted `"110"` is not an integer).

use crate::node::{Node, NodeKind, PathSeg, Resolved, Scalar};
use crate::span::Span;
use crate::spanned;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::fmt;

/// Why a value could not be decoded into its type: where, the path from the
/// decoded root, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub span: Span,
    /// Path from the decoded root, e.g. `.spec.template.spec.kubelet.maxPods`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path.trim_start_matches('.'), self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError {
            span: Span::detached(),
            path: String::new(),
            message: msg.to_string(),
        }
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!("expected {exp}, found {}", describe(&unexp)))
    }
}

fn describe(u: &de::Unexpected<'_>) -> String {
    match u {
        de::Unexpected::Str(s) => format!("string {s:?}"),
        de::Unexpected::Map => "a mapping".into(),
        de::Unexpected::Seq => "a sequence".into(),
        de::Unexpected::Unit => "null".into(),
        other => other.to_string(),
    }
}

impl DecodeError {
    fn at(mut self, span: Span) -> Self {
        if self.span.is_detached() {
            self.span = span;
        }
        self
    }

    fn under(mut self, seg: PathSeg<'_>) -> Self {
        self.path = format!("{seg}{}", self.path);
        self
    }
}

/// Decodes a typed value from a node tree.
pub fn decode<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, DecodeError> {
    T::deserialize(node).map_err(|e: DecodeError| e.at(node.span))
}

type R<T> = Result<T, DecodeError>;

fn mismatch(node: &Node, exp: &dyn de::Expected) -> DecodeError {
    let found = match &node.kind {
        NodeKind::Scalar(s) => match s.resolve() {
            Resolved::Str(t) => format!("string {t:?}"),
            Resolved::Null => "null".to_string(),
            _ => format!("{} `{}`", node.type_name(), s.text),
        },
        _ => node.type_name().to_string(),
    };
    <DecodeError as de::Error>::custom(format_args!("expected {exp}, found {found}")).at(node.span)
}

struct Exp(&'static str);
impl de::Expected for Exp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Node {
    fn scalar_or(&self, exp: &'static str) -> R<&Scalar> {
        self.as_scalar().ok_or_else(|| mismatch(self, &Exp(exp)))
    }
}

fn visit_scalar<'de, V: Visitor<'de>>(node: &'de Node, s: &'de Scalar, v: V) -> R<V::Value> {
    match s.resolve() {
        Resolved::Null => v.visit_unit(),
        Resolved::Bool(b) => v.visit_bool(b),
        Resolved::Int(i) => v.visit_i64(i),
        Resolved::UInt(u) => v.visit_u64(u),
        Resolved::Float(f) => v.visit_f64(f),
        Resolved::Str(_) => v.visit_borrowed_str(&s.text),
    }
    .map_err(|e: DecodeError| e.at(node.span))
}

macro_rules! int_method {
    ($name:ident) => {
        fn $name<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
            let s = self.scalar_or("an integer")?;
            match s.resolve() {
                Resolved::Int(i) => v.visit_i64(i),
                Resolved::UInt(u) => v.visit_u64(u),
                _ => Err(mismatch(self, &Exp("an integer"))),
            }
            .map_err(|e: DecodeError| e.at(self.span))
        }
    };
}

impl<'de> Deserializer<'de> for &'de Node {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        match &self.kind {
            NodeKind::Scalar(s) => visit_scalar(self, s, v),
            NodeKind::Seq(items) => v
                .visit_seq(Seq { items, i: 0 })
                .map_err(|e: DecodeError| e.at(self.span)),
            NodeKind::Map(entries) => v
                .visit_map(Map {
                    entries,
                    i: 0,
                    key: None,
                })
                .map_err(|e: DecodeError| e.at(self.span)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        let s = self.scalar_or("a boolean")?;
        match s.resolve() {
            Resolved::Bool(b) => v.visit_bool(b).map_err(|e: DecodeError| e.at(self.span)),
            _ => Err(mismatch(self, &Exp("a boolean (true or false)"))),
        }
    }

    int_method!(deserialize_i8);
    int_method!(deserialize_i16);
    int_method!(deserialize_i32);
    int_method!(deserialize_i64);
    int_method!(deserialize_i128);
    int_method!(deserialize_u8);
    int_method!(deserialize_u16);
    int_method!(deserialize_u32);
    int_method!(deserialize_u64);
    int_method!(deserialize_u128);

    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        self.deserialize_f64(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        let s = self.scalar_or("a number")?;
        match s.resolve() {
            Resolved::Int(i) => v.visit_f64(i as f64),
            Resolved::UInt(u) => v.visit_f64(u as f64),
            Resolved::Float(f) => v.visit_f64(f),
            _ => return Err(mismatch(self, &Exp("a number"))),
        }
        .map_err(|e: DecodeError| e.at(self.span))
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        self.deserialize_str(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        let s = self.scalar_or("a string")?;
        v.visit_borrowed_str(&s.text)
            .map_err(|e: DecodeError| e.at(self.span))
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        let s = self.scalar_or("a string")?;
        v.visit_borrowed_bytes(s.text.as_bytes())
            .map_err(|e: DecodeError| e.at(self.span))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        self.deserialize_bytes(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        if self.is_null() {
            v.visit_none()
        } else {
            v.visit_some(self)
        }
        .map_err(|e: DecodeError| e.at(self.span))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        if self.is_null() {
            v.visit_unit().map_err(|e: DecodeError| e.at(self.span))
        } else {
            Err(mismatch(self, &Exp("null")))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, v: V) -> R<V::Value> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, v: V) -> R<V::Value> {
        v.visit_newtype_struct(self)
            .map_err(|e: DecodeError| e.at(self.span))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        match &self.kind {
            NodeKind::Seq(items) => v.visit_seq(Seq { items, i: 0 }),
            _ if self.is_null() => v.visit_seq(Seq { items: &[], i: 0 }),
            _ => return Err(mismatch(self, &Exp("a sequence"))),
        }
        .map_err(|e: DecodeError| e.at(self.span))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> R<V::Value> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        v: V,
    ) -> R<V::Value> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        match &self.kind {
            NodeKind::Map(entries) => v.visit_map(Map {
                entries,
                i: 0,
                key: None,
            }),
            _ if self.is_null() => v.visit_map(Map {
                entries: &[],
                i: 0,
                key: None,
            }),
            _ => return Err(mismatch(self, &Exp("a mapping"))),
        }
        .map_err(|e: DecodeError| e.at(self.span))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> R<V::Value> {
        if name == spanned::NAME && fields == spanned::FIELDS {
            return v
                .visit_map(SpannedAccess {
                    node: self,
                    state: 0,
                })
                .map_err(|e: DecodeError| e.at(self.span));
        }
        self.deserialize_map(v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> R<V::Value> {
        match &self.kind {
            NodeKind::Scalar(s) => v
                .visit_enum(s.text.as_str().into_deserializer())
                .map_err(|e: DecodeError| e.at(self.span)),
            NodeKind::Map(entries) if entries.len() == 1 => v
                .visit_enum(Enum {
                    key: &entries[0].0,
                    value: &entries[0].1,
                })
                .map_err(|e: DecodeError| e.at(self.span)),
            _ => Err(mismatch(self, &Exp("a string or a single-key mapping"))),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        self.deserialize_str(v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> R<V::Value> {
        v.visit_unit()
    }
}

struct Seq<'de> {
    items: &'de [Node],
    i: usize,
}

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = DecodeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> R<Option<T::Value>> {
        let Some(node) = self.items.get(self.i) else {
            return Ok(None);
        };
        let i = self.i;
        self.i += 1;
        seed.deserialize(node)
            .map(Some)
            .map_err(|e: DecodeError| e.at(node.span).under(PathSeg::Index(i)))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.i)
    }
}

struct Map<'de> {
    entries: &'de [(Node, Node)],
    i: usize,
    key: Option<&'de Node>,
}

impl<'de> MapAccess<'de> for Map<'de> {
    type Error = DecodeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> R<Option<K::Value>> {
        let Some((k, _)) = self.entries.get(self.i) else {
            return Ok(None);
        };
        self.key = Some(k);
        seed.deserialize(k)
            .map(Some)
            .map_err(|e: DecodeError| e.at(k.span))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> R<V::Value> {
        let Some((k, v)) = self.entries.get(self.i) else {
            return Err(de::Error::custom("internal: value without key"));
        };
        self.i += 1;
        let key = k.as_str().unwrap_or("?");
        seed.deserialize(v)
            .map_err(|e: DecodeError| e.at(v.span).under(PathSeg::Key(key)))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.i)
    }
}

struct SpannedAccess<'de> {
    node: &'de Node,
    state: u8,
}

impl<'de> MapAccess<'de> for SpannedAccess<'de> {
    type Error = DecodeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> R<Option<K::Value>> {
        let key = match self.state {
            0 => spanned::SPAN_FIELD,
            1 => spanned::VALUE_FIELD,
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> R<V::Value> {
        self.state += 1;
        if self.state == 1 {
            let s = self.node.span;
            let parts = [s.file.0, s.start.line, s.start.col, s.end.line, s.end.col];
            seed.deserialize(de::value::SeqDeserializer::new(parts.into_iter()))
        } else {
            seed.deserialize(self.node)
        }
    }
}

struct Enum<'de> {
    key: &'de Node,
    value: &'de Node,
}

impl<'de> EnumAccess<'de> for Enum<'de> {
    type Error = DecodeError;
    type Variant = &'de Node;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> R<(V::Value, &'de Node)> {
        Ok((seed.deserialize(self.key)?, self.value))
    }
}

impl<'de> VariantAccess<'de> for &'de Node {
    type Error = DecodeError;
    fn unit_variant(self) -> R<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> R<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, v: V) -> R<V::Value> {
        self.deserialize_seq(v)
    }
    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], v: V) -> R<V::Value> {
        self.deserialize_map(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileId, Limits, Spanned, parse_file};
    use serde::Deserialize;
    use std::collections::BTreeMap;

    fn node(text: &str) -> Node {
        let p = parse_file(FileId(1), text, &Limits::default());
        assert!(p.error.is_none(), "{:?}", p.error);
        p.documents
            .into_iter()
            .next()
            .map(|d| d.root)
            .unwrap_or_else(|| panic!("no document"))
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Kubelet {
        max_pods: Option<Spanned<u32>>,
        #[serde(default)]
        eviction_hard: BTreeMap<String, Spanned<String>>,
        #[serde(default)]
        tags: Vec<String>,
        version: Option<String>,
        mode: Option<Mode>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Mode {
        #[serde(rename = "API")]
        Api,
        #[serde(rename = "CONFIG_MAP")]
        ConfigMap,
    }

    #[test]
    fn decodes_with_spans() {
        let n = node(
            "maxPods: 110\nevictionHard:\n  memory.available: 5%\ntags: ~\nversion: 1.30\nmode: API\n",
        );
        let k: Kubelet = decode(&n).unwrap_or_else(|e| panic!("{e}"));
        let mp = k.max_pods.unwrap_or_else(|| panic!("maxPods"));
        assert_eq!(
            (mp.value, mp.span.start.line, mp.span.start.col),
            (110, 1, 10)
        );
        assert_eq!(k.eviction_hard["memory.available"].span.start.line, 3);
        assert!(k.tags.is_empty());
        assert_eq!(
            k.version.as_deref(),
            Some("1.30"),
            "plain number text kept for strings"
        );
        assert_eq!(k.mode, Some(Mode::Api));
    }

    #[test]
    fn type_errors_name_the_path_and_place() {
        let n = node("a: 1\nb:\n  - maxPods: \"110\"\n");
        #[derive(Debug, Deserialize)]
        struct Outer {
            #[allow(dead_code)] // read only through Debug in the failure message
            b: Vec<Kubelet>,
        }
        let e = decode::<Outer>(&n)
            .err()
            .unwrap_or_else(|| panic!("should fail"));
        assert_eq!(e.path, ".b[0].maxPods");
        assert_eq!(e.span.start.line, 3);
        assert!(
            e.message.contains("expected") && e.message.contains("\"110\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_enum_variant_is_an_error_with_place() {
        let n = node("mode: BOGUS\n");
        let e = decode::<Kubelet>(&n)
            .err()
            .unwrap_or_else(|| panic!("should fail"));
        assert_eq!(e.path, ".mode");
        assert!(e.message.contains("BOGUS"), "{}", e.message);
    }

    #[test]
    fn spanned_outside_decode_is_an_error() {
        let r: Result<Spanned<u32>, _> = serde_json_like();
        assert!(r.is_err());
    }

    fn serde_json_like() -> Result<Spanned<u32>, de::value::Error> {
        let d: de::value::U32Deserializer<de::value::Error> = 5u32.into_deserializer();
        Spanned::<u32>::deserialize(d)
    }
}
