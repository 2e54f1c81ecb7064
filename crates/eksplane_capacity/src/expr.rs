//! The CEL subset nodeadm's `maxPodsExpression` is written in.
//!
//! nodeadm compiles the expression with `cel.NewEnv` declaring only integer
//! variables (awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni_max_pods.go,
//! `evaluateCustomMaxPodsExpression`, at 81fec2e895854f599974fe4d3d72f61c0a9aaffa):
//! `default_enis`, `ips_per_eni` and `max_pods`, nothing else (no `vcpus`, no
//! `physical_memory_mib`: an expression naming them fails to compile, and
//! nodeadm logs a warning and keeps its default).
//! Its tests and documentation use integer literals, `+ - * / %`, comparisons,
//! `&& || !`, the conditional `c ? a : b` and parentheses; that is what this
//! evaluator implements, with CEL's semantics: 64-bit integers, overflow and
//! division by zero are errors, `/` truncates toward zero, and an undeclared
//! variable is a compile error. Anything else (strings, doubles, unsigned
//! literals, function calls) is rejected with an error naming it.

use thiserror::Error;

/// The variables nodeadm declares for `maxPodsExpression` (eni_max_pods.go:
/// `defaultENIsVar`, `ipsPerENIVar`, `maxPodsVar`).
pub const NODEADM_VARIABLES: [&str; 3] = ["default_enis", "ips_per_eni", "max_pods"];

/// Deepest nesting accepted (hostile input must not exhaust the stack).
const MAX_DEPTH: usize = 64;
/// Longest expression accepted, in bytes.
const MAX_LEN: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExprError {
    #[error("expression is empty")]
    Empty,
    #[error("expression is longer than {MAX_LEN} bytes")]
    TooLong,
    #[error("expression nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("at offset {offset}: unexpected {found}; expected {expected}")]
    Syntax {
        offset: usize,
        found: String,
        expected: &'static str,
    },
    #[error(
        "at offset {offset}: {what} is not supported (only integer arithmetic, comparisons, && || !, ?: and parentheses)"
    )]
    Unsupported { offset: usize, what: String },
    #[error("at offset {offset}: integer literal {literal} does not fit in 64 bits")]
    LiteralOverflow { offset: usize, literal: String },
    #[error("undeclared reference to {name:?}; declared variables: {}", declared.join(", "))]
    UnknownVariable {
        name: String,
        declared: Vec<&'static str>,
    },
    #[error("variable {name:?} has no value for this instance type")]
    MissingValue { name: String },
    #[error("no such overload: {op} applied to {types}")]
    Type { op: &'static str, types: String },
    #[error("integer overflow in {op}")]
    Overflow { op: &'static str },
    #[error("division by zero")]
    DivisionByZero,
    #[error("modulus by zero")]
    ModulusByZero,
    /// nodeadm's range check on the result (eni_max_pods.go).
    #[error(
        "max pods value {value} is invalid: value must be a positive integer less than 2147483647"
    )]
    OutOfRange { value: i64 },
}

/// A value: CEL `int` or `bool`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Bool(bool),
}

impl Value {
    fn type_name(self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Bool(_) => "bool",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "_+_",
            BinOp::Sub => "_-_",
            BinOp::Mul => "_*_",
            BinOp::Div => "_/_",
            BinOp::Rem => "_%_",
            BinOp::Lt => "_<_",
            BinOp::Le => "_<=_",
            BinOp::Gt => "_>_",
            BinOp::Ge => "_>=_",
            BinOp::Eq => "_==_",
            BinOp::Ne => "_!=_",
            BinOp::And => "_&&_",
            BinOp::Or => "_||_",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Int(i64),
    Bool(bool),
    /// Index into the declared variable list.
    Var(usize),
    Neg(Box<Node>),
    Not(Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Int(i64),
    Ident(String),
    Sym(&'static str),
    End,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

const SYMBOLS: [&str; 19] = [
    "&&", "||", "<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "?", ":", "!",
    "=",
];

impl<'a> Lexer<'a> {
    fn next(&mut self) -> Result<(usize, Tok), ExprError> {
        let rest = &self.src[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
        let start = self.pos;
        let Some(c) = trimmed.chars().next() else {
            return Ok((start, Tok::End));
        };
        if c.is_ascii_digit() {
            let len = trimmed
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'_')
                .count();
            let lit = &trimmed[..len];
            self.pos += len;
            if !lit.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ExprError::Unsupported {
                    offset: start,
                    what: format!("the literal {lit:?} (only decimal int literals)"),
                });
            }
            return lit
                .parse::<i64>()
                .map(|v| (start, Tok::Int(v)))
                .map_err(|_| ExprError::LiteralOverflow {
                    offset: start,
                    literal: lit.to_string(),
                });
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let len = trimmed
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            self.pos += len;
            return Ok((start, Tok::Ident(trimmed[..len].to_string())));
        }
        for s in SYMBOLS {
            if trimmed.starts_with(s) {
                self.pos += s.len();
                if s == "=" {
                    return Err(ExprError::Unsupported {
                        offset: start,
                        what: "assignment `=` (use `==`)".to_string(),
                    });
                }
                return Ok((start, Tok::Sym(s)));
            }
        }
        Err(ExprError::Unsupported {
            offset: start,
            what: format!("the character {c:?}"),
        })
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    tok: Tok,
    at: usize,
    depth: usize,
    declared: &'a [&'static str],
}

impl<'a> Parser<'a> {
    fn bump(&mut self) -> Result<(), ExprError> {
        let (at, tok) = self.lexer.next()?;
        self.at = at;
        self.tok = tok;
        Ok(())
    }

    fn found(&self) -> String {
        match &self.tok {
            Tok::Int(v) => format!("integer {v}"),
            Tok::Ident(s) => format!("identifier {s:?}"),
            Tok::Sym(s) => format!("{s:?}"),
            Tok::End => "end of expression".to_string(),
        }
    }

    fn expect(&mut self, sym: &'static str, expected: &'static str) -> Result<(), ExprError> {
        if self.tok == Tok::Sym(sym) {
            self.bump()
        } else {
            Err(ExprError::Syntax {
                offset: self.at,
                found: self.found(),
                expected,
            })
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(ExprError::TooDeep)
        } else {
            Ok(())
        }
    }

    /// expr := or ('?' or ':' expr)?
    fn expr(&mut self) -> Result<Node, ExprError> {
        self.enter()?;
        let cond = self.binary(0)?;
        let node = if self.tok == Tok::Sym("?") {
            self.bump()?;
            let a = self.binary(0)?;
            self.expect(":", "':' of a conditional")?;
            let b = self.expr()?;
            Node::Cond(Box::new(cond), Box::new(a), Box::new(b))
        } else {
            cond
        };
        self.depth -= 1;
        Ok(node)
    }

    /// Precedence climbing over CEL's levels: `||` < `&&` < relations <
    /// additive < multiplicative.
    fn binary(&mut self, level: usize) -> Result<Node, ExprError> {
        const LEVELS: [&[(&str, BinOp)]; 5] = [
            &[("||", BinOp::Or)],
            &[("&&", BinOp::And)],
            &[
                ("<", BinOp::Lt),
                ("<=", BinOp::Le),
                (">", BinOp::Gt),
                (">=", BinOp::Ge),
                ("==", BinOp::Eq),
                ("!=", BinOp::Ne),
            ],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        loop {
            let op = match &self.tok {
                Tok::Sym(s) => LEVELS[level]
                    .iter()
                    .find(|(sym, _)| sym == s)
                    .map(|(_, op)| *op),
                _ => None,
            };
            let Some(op) = op else { break };
            self.bump()?;
            let right = self.binary(level + 1)?;
            left = Node::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        self.enter()?;
        let node = match self.tok.clone() {
            Tok::Sym("-") => {
                self.bump()?;
                Node::Neg(Box::new(self.unary()?))
            }
            Tok::Sym("!") => {
                self.bump()?;
                Node::Not(Box::new(self.unary()?))
            }
            _ => self.primary()?,
        };
        self.depth -= 1;
        Ok(node)
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        match self.tok.clone() {
            Tok::Int(v) => {
                self.bump()?;
                Ok(Node::Int(v))
            }
            Tok::Ident(name) => {
                let at = self.at;
                self.bump()?;
                if self.tok == Tok::Sym("(") || self.tok == Tok::Sym(".") {
                    return Err(ExprError::Unsupported {
                        offset: at,
                        what: format!("the function call {name}(...)"),
                    });
                }
                match name.as_str() {
                    "true" => Ok(Node::Bool(true)),
                    "false" => Ok(Node::Bool(false)),
                    _ => self
                        .declared
                        .iter()
                        .position(|d| *d == name)
                        .map(Node::Var)
                        .ok_or_else(|| ExprError::UnknownVariable {
                            name,
                            declared: self.declared.to_vec(),
                        }),
                }
            }
            Tok::Sym("(") => {
                self.bump()?;
                let e = self.expr()?;
                self.expect(")", "')'")?;
                Ok(e)
            }
            _ => Err(ExprError::Syntax {
                offset: self.at,
                found: self.found(),
                expected: "an integer, a variable or '('",
            }),
        }
    }
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    source: String,
    declared: Vec<&'static str>,
    root: Node,
}

impl Expression {
    /// Compiles `text` with nodeadm's variables ([`NODEADM_VARIABLES`]).
    pub fn parse(text: &str) -> Result<Expression, ExprError> {
        Expression::parse_with(text, &NODEADM_VARIABLES)
    }

    /// Compiles `text` declaring `variables`; any other identifier is an error.
    pub fn parse_with(text: &str, variables: &[&'static str]) -> Result<Expression, ExprError> {
        if text.len() > MAX_LEN {
            return Err(ExprError::TooLong);
        }
        if text.trim().is_empty() {
            return Err(ExprError::Empty);
        }
        let mut p = Parser {
            lexer: Lexer { src: text, pos: 0 },
            tok: Tok::End,
            at: 0,
            depth: 0,
            declared: variables,
        };
        p.bump()?;
        let root = p.expr()?;
        if p.tok != Tok::End {
            return Err(ExprError::Syntax {
                offset: p.at,
                found: p.found(),
                expected: "an operator or the end of the expression",
            });
        }
        Ok(Expression {
            source: text.to_string(),
            declared: variables.to_vec(),
            root,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the expression reads `name`.
    pub fn uses_variable(&self, name: &str) -> bool {
        fn walk(n: &Node, i: usize) -> bool {
            match n {
                Node::Var(v) => *v == i,
                Node::Int(_) | Node::Bool(_) => false,
                Node::Neg(a) | Node::Not(a) => walk(a, i),
                Node::Bin(_, a, b) => walk(a, i) || walk(b, i),
                Node::Cond(a, b, c) => walk(a, i) || walk(b, i) || walk(c, i),
            }
        }
        self.declared
            .iter()
            .position(|d| *d == name)
            .is_some_and(|i| walk(&self.root, i))
    }

    /// Evaluates with `lookup` giving each variable's value.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<i64>) -> Result<Value, ExprError> {
        self.eval_node(&self.root, lookup)
    }

    /// Evaluates and requires an `int` result.
    pub fn eval_int(&self, lookup: &dyn Fn(&str) -> Option<i64>) -> Result<i64, ExprError> {
        match self.eval(lookup)? {
            Value::Int(v) => Ok(v),
            Value::Bool(_) => Err(ExprError::Type {
                op: "int()",
                types: "bool".to_string(),
            }),
        }
    }

    fn eval_node(
        &self,
        n: &Node,
        lookup: &dyn Fn(&str) -> Option<i64>,
    ) -> Result<Value, ExprError> {
        Ok(match n {
            Node::Int(v) => Value::Int(*v),
            Node::Bool(b) => Value::Bool(*b),
            Node::Var(i) => {
                let name = self.declared.get(*i).copied().unwrap_or_default();
                Value::Int(lookup(name).ok_or_else(|| ExprError::MissingValue {
                    name: name.to_string(),
                })?)
            }
            Node::Neg(a) => match self.eval_node(a, lookup)? {
                Value::Int(v) => {
                    Value::Int(v.checked_neg().ok_or(ExprError::Overflow { op: "-_" })?)
                }
                v => {
                    return Err(ExprError::Type {
                        op: "-_",
                        types: v.type_name().to_string(),
                    });
                }
            },
            Node::Not(a) => match self.eval_node(a, lookup)? {
                Value::Bool(b) => Value::Bool(!b),
                v => {
                    return Err(ExprError::Type {
                        op: "!_",
                        types: v.type_name().to_string(),
                    });
                }
            },
            Node::Cond(c, a, b) => match self.eval_node(c, lookup)? {
                Value::Bool(true) => self.eval_node(a, lookup)?,
                Value::Bool(false) => self.eval_node(b, lookup)?,
                v => {
                    return Err(ExprError::Type {
                        op: "_?_:_",
                        types: v.type_name().to_string(),
                    });
                }
            },
            Node::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                let bool_of = |v: Value| match v {
                    Value::Bool(x) => Ok(x),
                    v => Err(ExprError::Type {
                        op: op.symbol(),
                        types: v.type_name().to_string(),
                    }),
                };
                let l = bool_of(self.eval_node(a, lookup)?)?;
                match (op, l) {
                    (BinOp::And, false) => Value::Bool(false),
                    (BinOp::Or, true) => Value::Bool(true),
                    _ => Value::Bool(bool_of(self.eval_node(b, lookup)?)?),
                }
            }
            Node::Bin(op, a, b) => {
                let l = self.eval_node(a, lookup)?;
                let r = self.eval_node(b, lookup)?;
                binary(*op, l, r)?
            }
        })
    }
}

fn binary(op: BinOp, l: Value, r: Value) -> Result<Value, ExprError> {
    let (x, y) = match (l, r) {
        (Value::Int(x), Value::Int(y)) => (x, y),
        (Value::Bool(x), Value::Bool(y)) if matches!(op, BinOp::Eq | BinOp::Ne) => {
            return Ok(Value::Bool((x == y) == (op == BinOp::Eq)));
        }
        _ => {
            return Err(ExprError::Type {
                op: op.symbol(),
                types: format!("{}, {}", l.type_name(), r.type_name()),
            });
        }
    };
    let overflow = ExprError::Overflow { op: op.symbol() };
    Ok(match op {
        BinOp::Add => Value::Int(x.checked_add(y).ok_or(overflow)?),
        BinOp::Sub => Value::Int(x.checked_sub(y).ok_or(overflow)?),
        BinOp::Mul => Value::Int(x.checked_mul(y).ok_or(overflow)?),
        BinOp::Div => {
            if y == 0 {
                return Err(ExprError::DivisionByZero);
            }
            Value::Int(x.checked_div(y).ok_or(overflow)?)
        }
        BinOp::Rem => {
            if y == 0 {
                return Err(ExprError::ModulusByZero);
            }
            Value::Int(x.checked_rem(y).ok_or(overflow)?)
        }
        BinOp::Lt => Value::Bool(x < y),
        BinOp::Le => Value::Bool(x <= y),
        BinOp::Gt => Value::Bool(x > y),
        BinOp::Ge => Value::Bool(x >= y),
        BinOp::Eq => Value::Bool(x == y),
        BinOp::Ne => Value::Bool(x != y),
        BinOp::And | BinOp::Or => Value::Bool(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t3_medium(name: &str) -> Option<i64> {
        match name {
            "default_enis" => Some(3),
            "ips_per_eni" => Some(6),
            "max_pods" => Some(17),
            _ => None,
        }
    }

    fn eval(e: &str) -> Result<i64, ExprError> {
        Expression::parse(e)?.eval_int(&t3_medium)
    }

    /// Cases from nodeadm's eni_max_pods_test.go (TestEvaluateCustomMaxPodsExpression).
    #[test]
    fn nodeadm_test_cases() {
        assert_eq!(eval("417"), Ok(417));
        assert_eq!(eval("(default_enis * (ips_per_eni - 1)) + 2"), Ok(17));
        assert_eq!(
            eval("(default_enis * ((ips_per_eni - 1) * 16)) + 2"),
            Ok(242)
        );
        assert_eq!(
            eval(
                "((default_enis * ((ips_per_eni * 16) - 1)) + 2) < 30 ? ((default_enis * ((ips_per_eni * 16) - 1)) + 2) : 30"
            ),
            Ok(30)
        );
        assert_eq!(eval("((default_enis - 1) * (ips_per_eni - 1)) + 2"), Ok(12));
        assert_eq!(eval("max_pods < 30 ? max_pods : 30"), Ok(17));
        assert_eq!(eval("max_pods + 2"), Ok(19));
        // nodeadm declares no `vcpus` / `physical_memory_mib`: compile errors
        // naming the declared variables.
        for bad in [
            "(vcpus * 10) < max_pods ? (vcpus * 10) : max_pods",
            "(physical_memory_mib / 1024) > 32 ? 110 : max_pods",
        ] {
            let msg = eval(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                msg.contains("default_enis, ips_per_eni, max_pods"),
                "{bad}: {msg}"
            );
        }
        assert!(matches!(
            eval("default_enis + fake_variable"),
            Err(ExprError::UnknownVariable { .. })
        ));
        assert!(matches!(eval("true"), Err(ExprError::Type { .. })));
    }

    #[test]
    fn cel_semantics() {
        assert_eq!(eval("-7 / 2"), Ok(-3));
        assert_eq!(eval("-7 % 2"), Ok(-1));
        assert_eq!(eval("1 + 2 * 3"), Ok(7));
        assert_eq!(eval("10 - 2 - 3"), Ok(5));
        assert_eq!(eval("1 < 2 && 2 < 3 ? 1 : 0"), Ok(1));
        assert_eq!(eval("!(1 < 2) || false ? 1 : 0"), Ok(0));
        assert_eq!(eval("true == false ? 1 : 2"), Ok(2));
        assert_eq!(eval("1 > 2 ? 3 : 4 > 5 ? 6 : 7"), Ok(7));
        assert_eq!(
            eval("9223372036854775807 + 1"),
            Err(ExprError::Overflow { op: "_+_" })
        );
        assert_eq!(eval("1 / 0"), Err(ExprError::DivisionByZero));
        assert_eq!(eval("1 % 0"), Err(ExprError::ModulusByZero));
        assert!(matches!(eval("1 + true"), Err(ExprError::Type { .. })));
        assert!(matches!(eval("1 ? 2 : 3"), Err(ExprError::Type { .. })));
    }

    #[test]
    fn rejects_what_it_does_not_implement() {
        for bad in [
            "",
            "   ",
            "1.5",
            "1u",
            "\"a\"",
            "min(1, 2)",
            "a.b",
            "1 +",
            "(1",
            "1 2",
            "x = 1",
            "1 ? 2",
            "99999999999999999999",
        ] {
            assert!(Expression::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(Expression::parse(&deep).is_err());
        let deep = format!("{}1", "-".repeat(3000));
        assert!(Expression::parse(&deep).is_err());
        let e = Expression::parse("max_pods + 1").unwrap_or_else(|e| panic!("{e}"));
        assert!(e.uses_variable("max_pods"));
        assert!(!e.uses_variable("default_enis"));
        assert_eq!(
            e.eval_int(&|_| None),
            Err(ExprError::MissingValue {
                name: "max_pods".into()
            })
        );
    }
}
