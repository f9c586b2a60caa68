//! The two-half state machine of one connection (RFC 9112 §9, after h11's design).
//!
//! Every state and transition lives in this file. It does not know which role the local side
//! plays: it tracks the client's half and the server's half of the conversation, and is told
//! which half did what. Transitions are of two kinds, each written as one `match` that reads
//! as a table:
//! - event-triggered: a half sends a head, the end of a message, or closes (body data is no
//!   step: it leaves a half in SendBody, the one state in which the connection sends or
//!   reads it);
//! - state-triggered: what follows from the pair of states, the keep-alive flag and pending
//!   protocol-switch proposals, applied until nothing changes.

/// The two sides of an HTTP conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Sends requests, receives responses.
    Client,
    /// Receives requests, sends responses.
    Server,
}

impl Role {
    /// The other side.
    #[must_use]
    pub const fn peer(self) -> Self {
        match self {
            Self::Client => Self::Server,
            Self::Server => Self::Client,
        }
    }
}

/// Where one half of the conversation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HalfState {
    /// Between messages.
    Idle,
    /// Server only: a request has begun and no final response has been sent.
    SendResponse,
    /// Sending a body (or, for a message without one, about to end it).
    SendBody,
    /// The message is complete; waiting for the other half before the next cycle.
    Done,
    /// The message is complete and the connection will not be reused.
    MustClose,
    /// This half has closed.
    Closed,
    /// Client only: the request proposed a protocol switch and awaits the server's answer.
    MightSwitchProtocol,
    /// The connection now speaks another protocol (after 101, or 2xx to CONNECT).
    SwitchedProtocol,
    /// This half violated the protocol (or timed out); it sends nothing more.
    Error,
}

/// What a half did, as far as the state machine cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Request,
    InformationalResponse,
    Response,
    EndOfMessage,
    ConnectionClosed,
}

/// The protocol switches a request can propose (RFC 9110 §7.8, §9.3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Switch {
    /// `Upgrade` answered by 101.
    Upgrade,
    /// `CONNECT` answered by 2xx.
    Connect,
}

/// A transition the table does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NotAllowed;

/// Both halves, the keep-alive flag and pending switch proposals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct States {
    client: HalfState,
    server: HalfState,
    keep_alive: bool,
    propose_upgrade: bool,
    propose_connect: bool,
}

/// The event-triggered transitions: `(who, state, step, switch) -> new state`.
fn on_step(who: Role, state: HalfState, step: Step, switch: Option<Switch>) -> Option<HalfState> {
    use HalfState::*;
    use Role::{Client, Server};
    Some(match (who, state, step, switch) {
        (Client, Idle, Step::Request, None) => SendBody,
        (Client, SendBody, Step::EndOfMessage, None) => Done,
        // A response with no request: the answer to a request that failed to parse.
        (Server, Idle, Step::Response, None) => SendBody,
        (Server, SendResponse, Step::InformationalResponse, None) => SendResponse,
        (Server, SendResponse, Step::InformationalResponse, Some(Switch::Upgrade)) => {
            SwitchedProtocol
        }
        (Server, SendResponse, Step::Response, None) => SendBody,
        (Server, SendResponse, Step::Response, Some(Switch::Connect)) => SwitchedProtocol,
        (Server, SendBody, Step::EndOfMessage, None) => Done,
        (_, Idle | Done | MustClose | Closed, Step::ConnectionClosed, None) => Closed,
        _ => return None,
    })
}

impl States {
    pub(crate) const fn new() -> Self {
        Self {
            client: HalfState::Idle,
            server: HalfState::Idle,
            keep_alive: true,
            propose_upgrade: false,
            propose_connect: false,
        }
    }

    /// The state of `who`'s half.
    pub(crate) fn get(&self, who: Role) -> HalfState {
        match who {
            Role::Client => self.client,
            Role::Server => self.server,
        }
    }

    fn set(&mut self, who: Role, s: HalfState) {
        match who {
            Role::Client => self.client = s,
            Role::Server => self.server = s,
        }
    }

    /// Whether the connection may carry another exchange after this one.
    pub(crate) fn keep_alive(&self) -> bool {
        self.keep_alive
    }

    /// `who` made an error: its half moves to `Error` (the other may still send, e.g. a 400).
    pub(crate) fn process_error(&mut self, who: Role) {
        self.set(who, HalfState::Error);
        self.settle();
    }

    /// The connection will close after the current exchange (RFC 9112 §9.6).
    pub(crate) fn process_keep_alive_disabled(&mut self) {
        self.keep_alive = false;
        self.settle();
    }

    /// The client's request proposes a protocol switch.
    pub(crate) fn process_client_switch_proposal(&mut self, switch: Switch) {
        match switch {
            Switch::Upgrade => self.propose_upgrade = true,
            Switch::Connect => self.propose_connect = true,
        }
        self.settle();
    }

    /// Whether `switch` has been proposed by the client and not yet answered.
    pub(crate) fn proposed(&self, switch: Switch) -> bool {
        match switch {
            Switch::Upgrade => self.propose_upgrade,
            Switch::Connect => self.propose_connect,
        }
    }

    /// `who` did `step`; `switch` is the server accepting a proposal. On `Err` nothing changed.
    pub(crate) fn process(
        &mut self,
        who: Role,
        step: Step,
        switch: Option<Switch>,
    ) -> Result<(), NotAllowed> {
        let mut next = *self;
        if let Some(s) = switch
            && (who != Role::Server || !self.proposed(s))
        {
            return Err(NotAllowed);
        }
        // A final response that is not a switch turns every proposal down.
        if who == Role::Server && step == Step::Response && switch.is_none() {
            next.propose_upgrade = false;
            next.propose_connect = false;
        }
        let to = on_step(who, self.get(who), step, switch).ok_or(NotAllowed)?;
        next.set(who, to);
        // The server's half learns of a request through the client's.
        if step == Step::Request {
            if next.server != HalfState::Idle {
                return Err(NotAllowed);
            }
            next.server = HalfState::SendResponse;
        }
        next.settle();
        *self = next;
        Ok(())
    }

    /// Both halves done and kept alive: back to `Idle` for the next exchange.
    pub(crate) fn start_next_cycle(&mut self) -> Result<(), NotAllowed> {
        if (self.client, self.server) != (HalfState::Done, HalfState::Done) {
            return Err(NotAllowed);
        }
        *self = Self::new();
        Ok(())
    }

    /// The state-triggered transitions, applied until none applies.
    fn settle(&mut self) {
        use HalfState::*;
        // Every rule below needs a proposal, a connection that will close, or a half that
        // might switch, has closed or failed: without any of them none applies, and the
        // steps of a keep-alive exchange (every one of them settles) skip the rules.
        if self.keep_alive
            && !self.propose_upgrade
            && !self.propose_connect
            && !matches!(self.client, MightSwitchProtocol | Closed | Error)
            && !matches!(self.server, Closed | Error)
        {
            return;
        }
        self.apply_rules();
    }

    /// The state-triggered transitions themselves, applied until none applies.
    fn apply_rules(&mut self) {
        use HalfState::*;
        loop {
            let before = *self;
            let proposals = self.propose_upgrade || self.propose_connect;
            match (self.client, proposals) {
                (Done, true) => self.client = MightSwitchProtocol,
                (MightSwitchProtocol, false) => self.client = Done,
                _ => {}
            }
            if !self.keep_alive {
                for who in [Role::Client, Role::Server] {
                    if self.get(who) == Done {
                        self.set(who, MustClose);
                    }
                }
            }
            match (self.client, self.server) {
                (MightSwitchProtocol, SwitchedProtocol) => self.client = SwitchedProtocol,
                // A closed or failed client gets no second exchange from the server…
                (Closed | Error, Done) | (Closed, Idle) => self.server = MustClose,
                // …and a client cannot reuse a closed or failed server.
                (Done, Closed | Error) | (Idle, Closed) => self.client = MustClose,
                _ => {}
            }
            if *self == before {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HalfState::*;
    use super::*;

    fn states(s: &States) -> (HalfState, HalfState) {
        (s.get(Role::Client), s.get(Role::Server))
    }

    const ALL: [HalfState; 9] = [
        Idle,
        SendResponse,
        SendBody,
        Done,
        MustClose,
        Closed,
        MightSwitchProtocol,
        SwitchedProtocol,
        Error,
    ];

    #[test]
    fn the_shortcut_of_settle_changes_nothing_the_rules_would_change() {
        for client in ALL {
            for server in ALL {
                for bits in 0..8u8 {
                    let s = States {
                        client,
                        server,
                        keep_alive: bits & 1 != 0,
                        propose_upgrade: bits & 2 != 0,
                        propose_connect: bits & 4 != 0,
                    };
                    let (mut settled, mut ruled) = (s, s);
                    settled.settle();
                    ruled.apply_rules();
                    assert_eq!(settled, ruled, "from {s:?}");
                }
            }
        }
    }

    #[test]
    fn a_keep_alive_exchange_cycles_back_to_idle() {
        let mut s = States::new();
        s.process(Role::Client, Step::Request, None).unwrap();
        assert_eq!(states(&s), (SendBody, SendResponse));
        s.process(Role::Client, Step::EndOfMessage, None).unwrap();
        s.process(Role::Server, Step::InformationalResponse, None)
            .unwrap();
        s.process(Role::Server, Step::Response, None).unwrap();
        s.process(Role::Server, Step::EndOfMessage, None).unwrap();
        assert_eq!(states(&s), (Done, Done));
        s.start_next_cycle().unwrap();
        assert_eq!(states(&s), (Idle, Idle));
    }

    #[test]
    fn close_turns_done_into_must_close() {
        let mut s = States::new();
        s.process(Role::Client, Step::Request, None).unwrap();
        s.process_keep_alive_disabled();
        s.process(Role::Client, Step::EndOfMessage, None).unwrap();
        assert_eq!(states(&s), (MustClose, SendResponse));
        s.process(Role::Server, Step::Response, None).unwrap();
        s.process(Role::Server, Step::EndOfMessage, None).unwrap();
        assert_eq!(states(&s), (MustClose, MustClose));
        assert_eq!(s.start_next_cycle(), Err(NotAllowed));
    }

    #[test]
    fn upgrade_is_accepted_by_101_or_declined_by_a_final_response() {
        let mut s = States::new();
        s.process(Role::Client, Step::Request, None).unwrap();
        s.process_client_switch_proposal(Switch::Upgrade);
        s.process(Role::Client, Step::EndOfMessage, None).unwrap();
        assert_eq!(states(&s), (MightSwitchProtocol, SendResponse));
        let mut declined = s;
        assert_eq!(
            s.process(Role::Server, Step::Response, Some(Switch::Connect)),
            Err(NotAllowed)
        );
        s.process(
            Role::Server,
            Step::InformationalResponse,
            Some(Switch::Upgrade),
        )
        .unwrap();
        assert_eq!(states(&s), (SwitchedProtocol, SwitchedProtocol));
        declined
            .process(Role::Server, Step::Response, None)
            .unwrap();
        assert_eq!(states(&declined), (Done, SendBody));
    }

    #[test]
    fn errors_and_closes_end_reuse() {
        let mut s = States::new();
        s.process_error(Role::Client);
        assert_eq!(states(&s), (Error, Idle));
        // The server may still answer, and must close afterwards.
        s.process(Role::Server, Step::Response, None).unwrap();
        s.process(Role::Server, Step::EndOfMessage, None).unwrap();
        assert_eq!(states(&s), (Error, MustClose));

        let mut s = States::new();
        s.process(Role::Client, Step::ConnectionClosed, None)
            .unwrap();
        assert_eq!(states(&s), (Closed, MustClose));
    }

    #[test]
    fn the_table_refuses_what_it_does_not_list() {
        let mut s = States::new();
        assert_eq!(
            s.process(Role::Client, Step::EndOfMessage, None),
            Err(NotAllowed)
        );
        assert_eq!(
            s.process(Role::Server, Step::InformationalResponse, None),
            Err(NotAllowed)
        );
        s.process(Role::Client, Step::Request, None).unwrap();
        assert_eq!(
            s.process(Role::Client, Step::Request, None),
            Err(NotAllowed)
        );
        assert_eq!(
            s.process(Role::Server, Step::EndOfMessage, None),
            Err(NotAllowed)
        );
        assert_eq!(
            s.process(
                Role::Server,
                Step::InformationalResponse,
                Some(Switch::Upgrade)
            ),
            Err(NotAllowed)
        );
        assert_eq!(states(&s), (SendBody, SendResponse));
    }
}
