//! What a decision says.

/// A statement's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// The answer: explicit deny beats allow beats implicit deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }

    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// A statement that matched a request (action, resource and conditions all satisfied).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatchedStatement {
    /// The policy's name as given (the file name for the CLI).
    pub policy: String,
    /// The statement's index in its `Statement` array (0 for a single object).
    pub index: u32,
    pub sid: Option<String>,
    pub effect: EffectName,
}

/// [`Effect`] with an ordering, for sorting matched statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EffectName {
    Allow,
    Deny,
}

impl From<Effect> for EffectName {
    fn from(e: Effect) -> EffectName {
        match e {
            Effect::Allow => EffectName::Allow,
            Effect::Deny => EffectName::Deny,
        }
    }
}

/// A decision with every statement that matched, in policy order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub decision: Decision,
    pub statements: Vec<MatchedStatement>,
}

impl Explanation {
    /// The decision line of `spec/io.md`:
    /// `{"decision":"Allow","statements":[{"policy":"p.json","index":3,"sid":null,"effect":"Allow"}]}`
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + 80 * self.statements.len());
        out.push_str("{\"decision\":\"");
        out.push_str(self.decision.as_str());
        out.push_str("\",\"statements\":[");
        for (i, s) in self.statements.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"policy\":");
            crate::json::write_string(&mut out, &s.policy);
            out.push_str(",\"index\":");
            out.push_str(&s.index.to_string());
            out.push_str(",\"sid\":");
            match &s.sid {
                Some(sid) => crate::json::write_string(&mut out, sid),
                None => out.push_str("null"),
            }
            out.push_str(",\"effect\":\"");
            out.push_str(match s.effect {
                EffectName::Allow => "Allow",
                EffectName::Deny => "Deny",
            });
            out.push_str("\"}");
        }
        out.push_str("]}");
        out
    }
}
