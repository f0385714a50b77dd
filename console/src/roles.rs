//! A member's role as the console shows it and as the wire names it, for the selects that
//! choose one.

use parley_core::protocol::Role;

/// Every role, the most powerful first.
pub const ROLES: [Role; 2] = [Role::Owner, Role::Agent];

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner",
        Role::Agent => "Agent",
    }
}

/// The role as the wire names it, a select option's value.
pub fn role_value(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Agent => "agent",
    }
}

/// The role a select option's value names.
pub fn role_from_value(value: &str) -> Option<Role> {
    ROLES.into_iter().find(|role| role_value(*role) == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_the_wire_names() {
        for role in ROLES {
            assert_eq!(serde_json::to_value(role).ok(), Some(serde_json::Value::from(role_value(role))));
            assert_eq!(role_from_value(role_value(role)), Some(role));
        }
    }
}
