//! A shop's team: who may change whose role or remove whom, and the single-use links that bring
//! someone in (an invite) or let them choose a new password (a reset).
//!
//! - **Roles.** Owners manage the shop; agents answer chats. A shop may have several owners, but
//!   never none: the last owner can be neither demoted nor removed.
//! - **Links.** An invite is good for 7 days, a password reset for a day; either works once.
//!   The edge keeps only a hash of the link's token.

use serde::{Deserialize, Serialize};

use crate::error::TeamError;
use crate::ids::{AgentId, ShopId};
use crate::protocol::Role;
use crate::time::UnixMillis;

/// How long an invite link works.
pub const INVITE_VALID_MILLIS: u64 = 7 * 24 * 60 * 60 * 1000;
/// How long a password-reset link works.
pub const RESET_VALID_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// Whether the team, with `roles` as they are, may give `member` the role `to`.
pub fn may_change_role(roles: &[(AgentId, Role)], member: &AgentId, to: Role) -> Result<(), TeamError> {
    let current = role_of(roles, member)?;
    if current == Role::Owner && to != Role::Owner && owners(roles) == 1 {
        return Err(TeamError::LastOwner);
    }
    Ok(())
}

/// Whether the team, with `roles` as they are, may lose `member`.
pub fn may_remove(roles: &[(AgentId, Role)], member: &AgentId) -> Result<(), TeamError> {
    if role_of(roles, member)? == Role::Owner && owners(roles) == 1 {
        return Err(TeamError::LastOwner);
    }
    Ok(())
}

fn role_of(roles: &[(AgentId, Role)], member: &AgentId) -> Result<Role, TeamError> {
    roles.iter().find(|(email, _)| email == member).map(|(_, role)| *role).ok_or(TeamError::NoSuchMember)
}

fn owners(roles: &[(AgentId, Role)]) -> usize {
    roles.iter().filter(|(_, role)| *role == Role::Owner).count()
}

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkPurpose {
    /// Joining the shop as `role`.
    Invite { role: Role },
    /// Choosing a new password.
    PasswordReset,
}

/// A single-use link as the desk keeps it (by its token's hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamLink {
    pub purpose: LinkPurpose,
    /// Whom it is for.
    pub email: AgentId,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
    /// When it was used, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<UnixMillis>,
}

impl TeamLink {
    /// A link made at `now` for `purpose`, with the lifetime the purpose has.
    pub fn new(purpose: LinkPurpose, email: AgentId, now: UnixMillis) -> Self {
        let valid = match purpose {
            LinkPurpose::Invite { .. } => INVITE_VALID_MILLIS,
            LinkPurpose::PasswordReset => RESET_VALID_MILLIS,
        };
        Self { purpose, email, created_at: now, expires_at: UnixMillis(now.0.saturating_add(valid)), used_at: None }
    }

    /// Whether the link still works at `now`.
    pub fn usable(&self, now: UnixMillis) -> Result<(), TeamError> {
        match (self.used_at, now < self.expires_at) {
            (Some(_), _) => Err(TeamError::LinkUsed),
            (None, false) => Err(TeamError::LinkExpired),
            (None, true) => Ok(()),
        }
    }

    /// Uses the link at `now`, once.
    pub fn use_at(&mut self, now: UnixMillis) -> Result<(), TeamError> {
        self.usable(now)?;
        self.used_at = Some(now);
        Ok(())
    }
}

/// The URL of a link with `token` for `shop`, on the edge at `origin`: the console's page for
/// its purpose, with the shop and token in the fragment, which browsers never send to a server,
/// so the token lands in no log.
pub fn link_url(origin: &str, shop: &ShopId, purpose: LinkPurpose, token: &str) -> String {
    let page = match purpose {
        LinkPurpose::Invite { .. } => "join",
        LinkPurpose::PasswordReset => "reset",
    };
    format!("{origin}/console/{page}#shop={shop}&token={token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(name: &str) -> AgentId {
        AgentId::parse(&format!("{name}@shop.test")).expect("a valid e-mail")
    }

    #[test]
    fn the_last_owner_stays() {
        let one_owner = vec![(agent("ana"), Role::Owner), (agent("bo"), Role::Agent)];
        let two_owners = vec![(agent("ana"), Role::Owner), (agent("cy"), Role::Owner), (agent("bo"), Role::Agent)];
        let cases = [
            (
                "demote the last owner",
                may_change_role(&one_owner, &agent("ana"), Role::Agent),
                Err(TeamError::LastOwner),
            ),
            ("keep the last owner an owner", may_change_role(&one_owner, &agent("ana"), Role::Owner), Ok(())),
            ("promote an agent", may_change_role(&one_owner, &agent("bo"), Role::Owner), Ok(())),
            ("demote one of two owners", may_change_role(&two_owners, &agent("ana"), Role::Agent), Ok(())),
            ("remove the last owner", may_remove(&one_owner, &agent("ana")), Err(TeamError::LastOwner)),
            ("remove one of two owners", may_remove(&two_owners, &agent("ana")), Ok(())),
            ("remove an agent", may_remove(&one_owner, &agent("bo")), Ok(())),
            ("remove a stranger", may_remove(&one_owner, &agent("eve")), Err(TeamError::NoSuchMember)),
            (
                "promote a stranger",
                may_change_role(&one_owner, &agent("eve"), Role::Owner),
                Err(TeamError::NoSuchMember),
            ),
        ];
        for (name, got, expected) in cases {
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn links_work_once_and_expire() {
        let made = UnixMillis(1_700_000_000_000);
        let invite = TeamLink::new(LinkPurpose::Invite { role: Role::Agent }, agent("bo"), made);
        assert_eq!(invite.expires_at, UnixMillis(made.0 + INVITE_VALID_MILLIS));
        let reset = TeamLink::new(LinkPurpose::PasswordReset, agent("bo"), made);
        assert_eq!(reset.expires_at, UnixMillis(made.0 + RESET_VALID_MILLIS));
        let cases = [
            ("at once", 0, Ok(())),
            ("a millisecond before it expires", INVITE_VALID_MILLIS - 1, Ok(())),
            ("when it expires", INVITE_VALID_MILLIS, Err(TeamError::LinkExpired)),
        ];
        for (name, after, expected) in cases {
            assert_eq!(invite.clone().use_at(UnixMillis(made.0 + after)), expected, "{name}");
        }
        let mut used = invite;
        assert_eq!(used.use_at(made), Ok(()));
        assert_eq!(used.usable(made), Err(TeamError::LinkUsed), "a link works once");
        assert_eq!(used.use_at(made), Err(TeamError::LinkUsed));
    }
}
