//! A page variable kept as compact JSON and made into a template value once, when the first
//! page that has it renders: the pages of one person's or one tag's river share their
//! variables (their JSON and, once made, their value), and the JSON is read straight into
//! tera's values, with no tree of `serde_json` values in between.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use tera::Value;

/// A variable's JSON and, once a page that has it rendered, its template value.
pub(super) struct Var {
    json: Box<str>,
    value: OnceLock<Value>,
}

impl Var {
    /// A variable whose value is `json`.
    pub(super) fn new(json: String) -> Arc<Var> {
        Arc::new(Var {
            json: json.into_boxed_str(),
            value: OnceLock::new(),
        })
    }

    /// The variable as a template value, read from its JSON the first time it is asked for.
    pub(super) fn value(&self) -> Result<Value, serde_json::Error> {
        if let Some(value) = self.value.get() {
            return Ok(value.clone());
        }
        let TeraValue(value) = serde_json::from_str(&self.json)?;
        // Another page may have made it meanwhile: both made the same value.
        Ok(self.value.get_or_init(|| value).clone())
    }
}

/// A template value read from JSON as `tera::Value::from_serializable` would have made it
/// from the `serde_json::Value` of the same JSON: numbers as unsigned, signed or floating,
/// strings as plain (escaped) strings, `null` as none, arrays and maps as they are.
struct TeraValue(Value);

impl<'de> Deserialize<'de> for TeraValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(TeraValue)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::none())
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::none())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        TeraValue::deserialize(d).map(|v| v.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(TeraValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::from(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = tera::Map::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((key, TeraValue(value))) = map.next_entry::<String, TeraValue>()? {
            entries.insert(key.into(), value);
        }
        Ok(Value::from(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same JSON made into a template value the old way (through `serde_json::Value`)
    /// and straight: equal values, and equal when rendered.
    #[test]
    fn values_read_straight_from_json_equal_those_made_through_serde_json() {
        let json = r#"{"a":1,"b":-2,"c":2.5,"d":"<b>x</b> & y","e":null,"f":[true,false,{"g":[]}],"h":{"i":"é"},"big":18446744073709551615}"#;
        let via: serde_json::Value = serde_json::from_str(json).unwrap();
        let old = Value::from_serializable(&via);
        let new = Var::new(json.to_owned()).value().unwrap();
        assert_eq!(old, new);
        let mut tera = tera::Tera::default();
        tera.add_raw_template(
            "t.html",
            "{{ v.a }} {{ v.b }} {{ v.c }} {{ v.d }} {{ v.e }} {% for x in v.f %}{{ x }};{% endfor %} {{ v.h.i }} {{ v.big }}",
        )
        .unwrap();
        let render = |v: &Value| {
            let mut ctx = tera::Context::new();
            ctx.insert_value("v", v.clone());
            tera.render("t.html", &ctx).unwrap()
        };
        assert_eq!(render(&old), render(&new));
        assert!(
            render(&new).contains("&lt;b&gt;x&lt;/b&gt; &amp; y"),
            "{}",
            render(&new)
        );
    }

    /// A variable shared by several pages is made into a value once.
    #[test]
    fn a_shared_variable_is_read_once() {
        let var = Var::new(r#"[1,2,3]"#.to_owned());
        assert!(var.value.get().is_none());
        let first = var.value().unwrap();
        assert!(var.value.get().is_some());
        assert_eq!(first, var.value().unwrap());
    }
}
