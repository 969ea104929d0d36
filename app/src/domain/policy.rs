//! The one place that answers "may this person do this?". Every server function asks it first.
use super::account::{CurrentUser, Role};
use super::error::AppError;

/// Everything a server function can do, with the object it touches where there is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Scenarios, frameworks, the rubric: public.
    ReadLibrary,
    /// Sign in, register: done by someone not signed in (or anyone).
    Authenticate,
    /// Sign out, read or change one's own account, export or delete it.
    OwnAccount,
    /// List users, change roles, deactivate.
    ManageUsers,
    /// Create teams, add and remove members and leads.
    ManageTeams,
    /// Start practice attempts, see one's own dashboard and history: anyone signed in.
    Practise,
    /// Read or change one attempt, whose candidate is `candidate_id`: only that candidate.
    OwnAttempt { candidate_id: i64 },
    /// Create mock sessions and list one's own: interviewers, team leads, admins.
    RunSessions,
    /// Drive one session (reveal, tick, notes, move on, end, share): its interviewer only.
    ConductSession { interviewer_id: i64 },
    /// Watch one session's console and score it: its interviewer, or a shadow of it.
    ObserveSession {
        interviewer_id: i64,
        is_shadow: bool,
    },
    /// Open calibration at all: interviewers, team leads, admins (then per team, below).
    Calibrate,
    /// See a team's exercises and score them blind: members of that team only.
    CalibrateInTeam { is_member: bool },
    /// Create and reveal a team's exercises, see its dashboard and export, confirm raters as
    /// qualified: that team's leads only (an admin who does not lead it sees nothing of it).
    LeadTeam { is_lead: bool },
    /// Write scenarios for a team (create, edit, fork a built-in, archive, import): admins for
    /// any team, team leads (by role or by leading the team) for the teams they lead.
    /// `leads` says whether the asker leads the team in question (or, with no team in
    /// question yet, any team).
    Author { leads: bool },
}

/// `Ok` when `user` (None: not signed in) may do `action`; otherwise the error to answer with:
/// `Unauthenticated` when signing in could help, `Forbidden` when it could not.
pub fn authorize(user: Option<&CurrentUser>, action: Action) -> Result<(), AppError> {
    let role = user.map(|u| u.role);
    let allowed = match action {
        Action::ReadLibrary | Action::Authenticate => true,
        Action::OwnAccount => role.is_some(),
        Action::ManageUsers | Action::ManageTeams => role == Some(Role::Admin),
        Action::Practise => role.is_some(),
        Action::OwnAttempt { candidate_id } => user.is_some_and(|u| u.id == candidate_id),
        Action::RunSessions => {
            matches!(role, Some(Role::Interviewer | Role::TeamLead | Role::Admin))
        }
        Action::ConductSession { interviewer_id } => user.is_some_and(|u| u.id == interviewer_id),
        Action::ObserveSession {
            interviewer_id,
            is_shadow,
        } => user.is_some_and(|u| u.id == interviewer_id || is_shadow),
        Action::Calibrate => {
            matches!(role, Some(Role::Interviewer | Role::TeamLead | Role::Admin))
        }
        Action::CalibrateInTeam { is_member } => {
            is_member && matches!(role, Some(Role::Interviewer | Role::TeamLead | Role::Admin))
        }
        Action::LeadTeam { is_lead } => {
            is_lead && matches!(role, Some(Role::Interviewer | Role::TeamLead | Role::Admin))
        }
        Action::Author { leads } => {
            role == Some(Role::Admin)
                || (leads && matches!(role, Some(Role::Interviewer | Role::TeamLead)))
        }
    };
    match (allowed, user) {
        (true, _) => Ok(()),
        (false, None) => Err(AppError::Unauthenticated),
        (false, Some(_)) => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> CurrentUser {
        CurrentUser {
            id: 1,
            email: "a@b.co".into(),
            display_name: "A".into(),
            role,
        }
    }

    #[test]
    fn only_admins_manage_people_and_teams() {
        for role in [Role::Candidate, Role::Interviewer, Role::TeamLead] {
            assert_eq!(
                authorize(Some(&user(role)), Action::ManageUsers),
                Err(AppError::Forbidden)
            );
            assert_eq!(
                authorize(Some(&user(role)), Action::ManageTeams),
                Err(AppError::Forbidden)
            );
        }
        assert_eq!(
            authorize(Some(&user(Role::Admin)), Action::ManageTeams),
            Ok(())
        );
        assert_eq!(
            authorize(None, Action::ManageUsers),
            Err(AppError::Unauthenticated)
        );
    }

    #[test]
    fn an_account_needs_someone_signed_in() {
        assert_eq!(
            authorize(None, Action::OwnAccount),
            Err(AppError::Unauthenticated)
        );
        assert_eq!(
            authorize(Some(&user(Role::Candidate)), Action::OwnAccount),
            Ok(())
        );
        assert_eq!(authorize(None, Action::ReadLibrary), Ok(()));
    }

    #[test]
    fn sessions_are_run_by_interviewers_and_watched_by_their_shadows() {
        assert_eq!(
            authorize(Some(&user(Role::Candidate)), Action::RunSessions),
            Err(AppError::Forbidden)
        );
        for role in [Role::Interviewer, Role::TeamLead, Role::Admin] {
            assert_eq!(authorize(Some(&user(role)), Action::RunSessions), Ok(()));
        }
        let conduct_other = Action::ConductSession { interviewer_id: 2 };
        assert_eq!(
            authorize(Some(&user(Role::Admin)), conduct_other),
            Err(AppError::Forbidden)
        );
        let shadow = Action::ObserveSession {
            interviewer_id: 2,
            is_shadow: true,
        };
        assert_eq!(authorize(Some(&user(Role::Interviewer)), shadow), Ok(()));
        assert_eq!(authorize(None, shadow), Err(AppError::Unauthenticated));
    }

    #[test]
    fn a_teams_calibration_is_its_members_and_leads_alone() {
        let member = Action::CalibrateInTeam { is_member: true };
        let outsider = Action::CalibrateInTeam { is_member: false };
        assert_eq!(authorize(Some(&user(Role::Interviewer)), member), Ok(()));
        // Not even an admin sees a team they are not on.
        assert_eq!(
            authorize(Some(&user(Role::Admin)), outsider),
            Err(AppError::Forbidden)
        );
        // A candidate added to a team by mistake still does not rate.
        assert_eq!(
            authorize(Some(&user(Role::Candidate)), member),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(
                Some(&user(Role::Interviewer)),
                Action::LeadTeam { is_lead: false }
            ),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(
                Some(&user(Role::Interviewer)),
                Action::LeadTeam { is_lead: true }
            ),
            Ok(())
        );
        assert_eq!(authorize(None, member), Err(AppError::Unauthenticated));
    }

    #[test]
    fn authors_are_admins_and_the_leads_of_the_team() {
        let lead = Action::Author { leads: true };
        let other = Action::Author { leads: false };
        assert_eq!(authorize(Some(&user(Role::Admin)), other), Ok(()));
        assert_eq!(authorize(Some(&user(Role::TeamLead)), lead), Ok(()));
        assert_eq!(
            authorize(Some(&user(Role::TeamLead)), other),
            Err(AppError::Forbidden)
        );
        // Even marked lead of a team by mistake, a candidate does not author.
        assert_eq!(
            authorize(Some(&user(Role::Candidate)), lead),
            Err(AppError::Forbidden)
        );
        assert_eq!(authorize(None, lead), Err(AppError::Unauthenticated));
    }

    #[test]
    fn an_attempt_is_its_candidates_alone() {
        let own = Action::OwnAttempt { candidate_id: 1 };
        let other = Action::OwnAttempt { candidate_id: 2 };
        assert_eq!(authorize(Some(&user(Role::Candidate)), own), Ok(()));
        // Not even an admin reads someone else's practice.
        assert_eq!(
            authorize(Some(&user(Role::Admin)), other),
            Err(AppError::Forbidden)
        );
        assert_eq!(authorize(None, own), Err(AppError::Unauthenticated));
        assert_eq!(
            authorize(None, Action::Practise),
            Err(AppError::Unauthenticated)
        );
    }
}
