package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

// auditor appends the API's audit events. Concurrent requests' events are
// appended together, one transaction for all that arrive while the one
// before is being written, so that the trail costs a commit per busy
// moment rather than one per request; each caller still returns only once
// its events are committed.
type auditor struct {
	log dauys.AuditLog

	mu      sync.Mutex
	pending []*auditBatch
	writing bool
}

type auditBatch struct {
	events []*dauys.AuditEvent
	done   chan error
}

// record appends events and waits until they are committed. Without an
// audit log it does nothing.
func (a *auditor) record(ctx context.Context, events ...*dauys.AuditEvent) error {
	if a.log == nil || len(events) == 0 {
		return nil
	}
	b := &auditBatch{events: events, done: make(chan error, 1)}
	a.mu.Lock()
	a.pending = append(a.pending, b)
	if a.writing {
		a.mu.Unlock()
		return <-b.done
	}
	// This caller writes until nothing is pending: its own batch first,
	// then whatever arrived meanwhile. A request going away does not
	// abandon events that others wait on.
	a.writing = true
	for len(a.pending) > 0 {
		batches := a.pending
		a.pending = nil
		a.mu.Unlock()
		var all []*dauys.AuditEvent
		for _, p := range batches {
			all = append(all, p.events...)
		}
		err := a.log.RecordAudit(context.WithoutCancel(ctx), all...)
		for _, p := range batches {
			p.done <- err
		}
		a.mu.Lock()
	}
	a.writing = false
	a.mu.Unlock()
	return <-b.done
}

// event returns an audit event of a request at the server's clock, from
// the client's address, by who (nil for nobody yet).
func (s *Server) event(r *http.Request, who *identity, action, outcome string) *dauys.AuditEvent {
	e := &dauys.AuditEvent{At: s.cfg.Now().UTC(), Action: action, Outcome: outcome, Client: s.clientAddr(r)}
	if who != nil {
		e.Actor, e.Role, e.Credential = who.principal.Subject, who.principal.Role, who.credential
	}
	return e
}

// outcomeOf is the outcome an audit event records for err.
func outcomeOf(err error) string {
	if err == nil {
		return dauys.AuditOK
	}
	return dauys.ErrorCode(err)
}

// auditLog serves an election's audit trail to those allowed to read it,
// and records that they did.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	who, e, ok := s.authorizeRead(w, r)
	if !ok {
		return
	}
	if s.cfg.Audit == nil {
		s.Error(w, r, dauys.Errorf(dauys.ENOTFOUND, "this server keeps no audit trail"))
		return
	}
	read := s.event(r, who, dauys.AuditReadAudit, dauys.AuditOK)
	read.Election, read.Object = e, "audit-log"
	if err := s.audit.record(r.Context(), read); err != nil {
		s.Error(w, r, err)
		return
	}
	// The trail of a national election is long: it is streamed, one event
	// a line. A failure halfway aborts the response, so that a client
	// never takes a cut trail for a whole one.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	id, _ := json.Marshal(e)
	fmt.Fprintf(w, "{\"election\": %s, \"events\": [", id)
	sep := "\n"
	err := s.cfg.Audit.AuditEvents(r.Context(), e, func(ev *dauys.AuditEvent) error {
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s%s", sep, b)
		sep = ",\n"
		return err
	})
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "streaming the audit trail failed", "election", e, "err", err)
		panic(http.ErrAbortHandler)
	}
	fmt.Fprint(w, "\n]}\n")
}

// refusals serves the submissions intake refused, with their payloads.
func (s *Server) refusals(w http.ResponseWriter, r *http.Request) {
	who, e, ok := s.authorizeRead(w, r)
	if !ok {
		return
	}
	read := s.event(r, who, dauys.AuditReadAudit, dauys.AuditOK)
	read.Election, read.Object = e, "refusals"
	if err := s.audit.record(r.Context(), read); err != nil {
		s.Error(w, r, err)
		return
	}
	rs, err := s.cfg.Store.Refusals(r.Context(), e)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	type item struct {
		*dauys.Refusal
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	out := make([]item, len(rs))
	for i, x := range rs {
		out[i].Refusal = x
		if json.Valid([]byte(x.Payload)) && strings.TrimSpace(x.Payload) != "" {
			out[i].Payload = json.RawMessage(x.Payload)
		} else if x.Payload != "" {
			b, _ := json.Marshal(x.Payload)
			out[i].Payload = b
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"election": e, "refusals": out})
}

// authorizeRead authenticates a request to read an election's audit
// records and authorizes it, writing the problem when it may not.
func (s *Server) authorizeRead(w http.ResponseWriter, r *http.Request) (*identity, string, bool) {
	who, err := s.authenticate(r)
	if err != nil {
		s.Error(w, r, err)
		return nil, "", false
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return nil, "", false
	}
	if err := Authorize(&who.principal, ActionReadAudit, e, ""); err != nil {
		refused := s.event(r, who, dauys.AuditRefusal, outcomeOf(err))
		refused.Election, refused.Object, refused.Detail = e.ID, string(ActionReadAudit), dauys.ErrorMessage(err)
		if rerr := s.audit.record(r.Context(), refused); rerr != nil {
			err = rerr
		}
		s.Error(w, r, err)
		return nil, "", false
	}
	return who, e.ID, true
}

// submissionEvents are the audit events of a batch of submissions: one for
// each, submit or amend, with the outcome intake gave it, and one more for
// each protocol stored with warnings its sender acknowledged.
func (s *Server) submissionEvents(r *http.Request, who *identity, election string, subs []intake.Submission, res []intake.Result) []*dauys.AuditEvent {
	var events []*dauys.AuditEvent
	for i, x := range res {
		sub := &subs[i]
		action := dauys.AuditSubmit
		if sub.Amendment {
			action = dauys.AuditAmend
		}
		e := s.event(r, who, action, x.Outcome)
		e.Election, e.Area, e.Object = election, sub.Area, sub.Contest+"/"+sub.Area
		var detail []string
		switch sub.Entry {
		case 0:
		case 3:
			detail = append(detail, "entry 3, resolving a double-entry dispute")
		default:
			detail = append(detail, fmt.Sprintf("entry %d", sub.Entry))
		}
		if x.Err != nil {
			e.Outcome = outcomeOf(x.Err)
			detail = append(detail, dauys.ErrorMessage(x.Err))
		} else if p := x.Protocol; p != nil {
			detail = append(detail, fmt.Sprintf("version %d, hash %s", p.Version, p.Hash))
			if p.KeyID != "" {
				detail = append(detail, "signed with key "+p.KeyID)
			}
			if sub.Amendment {
				detail = append(detail, "reason: "+sub.Reason)
			}
		}
		if len(x.Differences) > 0 {
			detail = append(detail, "entries differ on "+strings.Join(x.Differences, ", "))
		}
		if e.Outcome == "" {
			e.Outcome = dauys.AuditOK
		}
		e.Detail = strings.Join(detail, "; ")
		events = append(events, e)

		if p := x.Protocol; x.Err == nil && p != nil && sub.AcknowledgeWarnings && len(p.Warnings) > 0 && x.Outcome != dauys.OutcomeDuplicate {
			ack := s.event(r, who, dauys.AuditAcknowledge, dauys.AuditOK)
			ack.Election, ack.Area, ack.Object = election, sub.Area, sub.Contest+"/"+sub.Area
			codes := make([]string, len(p.Warnings))
			for j, f := range p.Warnings {
				codes[j] = f.Code
			}
			ack.Detail = fmt.Sprintf("version %d: warnings %s", p.Version, strings.Join(codes, ", "))
			events = append(events, ack)
		}
	}
	return events
}
