package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dauys/dauys"
)

// FileComplaint stores a complaint as filed and sets its ID.
func (s *Store) FileComplaint(ctx context.Context, c *dauys.Complaint) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.Status = dauys.ComplaintFiled
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, c.Election); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO complaints (election_id, area_id, contest_id, text, complainant, filed_at, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.Election, c.Area, c.Contest, c.Text, c.Complainant, nanos(c.FiledAt), c.Status).Scan(&id)
		c.ID = strconv.FormatInt(id, 10)
		return err
	})
	return wrap("file complaint", err)
}

// DecideComplaint records the decision on a filed complaint, and orders
// the recount a decision to recount names.
func (s *Store) DecideComplaint(ctx context.Context, d *dauys.ComplaintDecision) (*dauys.Recount, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var rc *dauys.Recount
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		cs, err := scanComplaints(ctx, tx, `SELECT `+complaintColumns+` FROM complaints WHERE election_id = $1 AND id = $2 FOR UPDATE`, d.Election, idNumber(d.Complaint))
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s has no complaint %s", dauys.QuotePrefix(d.Election), dauys.QuotePrefix(d.Complaint))
		}
		c := cs[0]
		if c.Status != dauys.ComplaintFiled {
			return dauys.Errorf(dauys.ECONFLICT, "complaint %s is decided already (%s)", c.ID, c.Status)
		}
		var recount any
		if d.Status == dauys.ComplaintRecountOrdered {
			if c.Contest == "" {
				return dauys.Errorf(dauys.EINVALID, "complaint %s names no contest: order the recount of a contest on its own", c.ID)
			}
			rc = &dauys.Recount{Election: c.Election, Area: c.Area, Contest: c.Contest, Reason: d.Decision, Complaint: c.ID,
				OrderedBy: d.DecidedBy, OrderedAt: d.DecidedAt}
			if err := insertRecount(ctx, tx, rc); err != nil {
				return err
			}
			recount = idNumber(rc.ID)
		}
		_, err = tx.Exec(ctx, `UPDATE complaints SET status = $1, decision = $2, decided_by = $3, decided_at = $4, recount_id = $5
			WHERE id = $6`, d.Status, d.Decision, d.DecidedBy, nanos(d.DecidedAt), recount, idNumber(c.ID))
		return err
	})
	if err != nil {
		return nil, wrap("decide complaint", err)
	}
	return rc, nil
}

// idNumber reads an id the store gave; an id it never gave reads as 0,
// which no row has.
func idNumber(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

const complaintColumns = `id, election_id, area_id, contest_id, text, complainant, filed_at, status, decision, decided_by, decided_at, recount_id`

func scanComplaints(ctx context.Context, tx pgx.Tx, q string, args ...any) ([]*dauys.Complaint, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dauys.Complaint
	for rows.Next() {
		c := &dauys.Complaint{}
		var id int64
		var filed, decided, recount *int64
		if err := rows.Scan(&id, &c.Election, &c.Area, &c.Contest, &c.Text, &c.Complainant, &filed, &c.Status,
			&c.Decision, &c.DecidedBy, &decided, &recount); err != nil {
			return nil, err
		}
		c.ID, c.FiledAt, c.DecidedAt = strconv.FormatInt(id, 10), timeOf(filed), timeOf(decided)
		if recount != nil {
			c.Recount = strconv.FormatInt(*recount, 10)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Complaints lists the complaints about a precinct, or about every
// precinct for area "", oldest first.
func (s *Store) Complaints(ctx context.Context, election, area string) ([]*dauys.Complaint, error) {
	var out []*dauys.Complaint
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		var err error
		if out, err = scanComplaints(ctx, tx, `SELECT `+complaintColumns+` FROM complaints WHERE election_id = $1 AND ($2 = '' OR area_id = $3) ORDER BY id`,
			election, area, area); err != nil {
			return err
		}
		return attachComplaintImages(ctx, tx, out)
	})
	if err != nil {
		return nil, wrap("complaints", err)
	}
	return out, nil
}

// OrderRecount stores a recount order.
func (s *Store) OrderRecount(ctx context.Context, r *dauys.Recount) error {
	if err := r.Validate(); err != nil {
		return err
	}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, r.Election); err != nil {
			return err
		}
		return insertRecount(ctx, tx, r)
	})
	return wrap("order recount", err)
}

func insertRecount(ctx context.Context, tx pgx.Tx, r *dauys.Recount) error {
	var complaint any
	if r.Complaint != "" {
		complaint = idNumber(r.Complaint)
	}
	// The unique index on open recounts refuses a second one.
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO recounts (election_id, area_id, contest_id, reason, complaint_id, ordered_by, ordered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, r.Election, r.Area, r.Contest, r.Reason, complaint, r.OrderedBy, nanos(r.OrderedAt)).Scan(&id)
	if isUniqueViolation(err) {
		return dauys.Errorf(dauys.ECONFLICT, "precinct %s, contest %s: a recount is open already", r.Area, r.Contest)
	}
	r.ID = strconv.FormatInt(id, 10)
	return err
}

// Recounts lists the recounts of a precinct, or of the election for area
// "", oldest first.
func (s *Store) Recounts(ctx context.Context, election, area string) ([]*dauys.Recount, error) {
	var out []*dauys.Recount
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, area_id, contest_id, reason, complaint_id, ordered_by, ordered_at, version, done_at
			FROM recounts WHERE election_id = $1 AND ($2 = '' OR area_id = $3) ORDER BY id`, election, area, area)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &dauys.Recount{Election: election}
			var id int64
			var complaint, ordered, done *int64
			if err := rows.Scan(&id, &r.Area, &r.Contest, &r.Reason, &complaint, &r.OrderedBy, &ordered, &r.Version, &done); err != nil {
				return err
			}
			r.ID, r.OrderedAt, r.DoneAt = strconv.FormatInt(id, 10), timeOf(ordered), timeOf(done)
			if complaint != nil {
				r.Complaint = strconv.FormatInt(*complaint, 10)
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("recounts", err)
	}
	return out, nil
}

// CompleteRecount records the protocol version an open recount produced.
func (s *Store) CompleteRecount(ctx context.Context, election, id string, version int, at time.Time) error {
	if version <= 0 {
		return dauys.Errorf(dauys.EINVALID, "a recount produces a protocol version, not %d", version)
	}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM recounts WHERE election_id = $1 AND id = $2`, election, idNumber(id)).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s has no recount %s", dauys.QuotePrefix(election), dauys.QuotePrefix(id))
		} else if err != nil {
			return err
		}
		if v != 0 {
			return dauys.Errorf(dauys.ECONFLICT, "recount %s is closed already (version %d)", id, v)
		}
		_, err = tx.Exec(ctx, `UPDATE recounts SET version = $1, done_at = $2 WHERE id = $3`, version, nanos(at), idNumber(id))
		return err
	})
	return wrap("complete recount", err)
}

// attachComplaintImages reads the photos of the complaints.
func attachComplaintImages(ctx context.Context, tx pgx.Tx, cs []*dauys.Complaint) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[int64]*dauys.Complaint, len(cs))
	lo, hi := idNumber(cs[0].ID), idNumber(cs[0].ID)
	for _, c := range cs {
		n := idNumber(c.ID)
		byID[n] = c
		lo, hi = min(lo, n), max(hi, n)
	}
	rows, err := tx.Query(ctx, `SELECT complaint_id, sha256 FROM complaint_images WHERE complaint_id BETWEEN $1 AND $2 ORDER BY seq`, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sum string
		if err := rows.Scan(&id, &sum); err != nil {
			return err
		}
		if c := byID[id]; c != nil {
			c.Images = append(c.Images, sum)
		}
	}
	return rows.Err()
}

// AddComplaintImage attaches a photo to a complaint, once.
func (s *Store) AddComplaintImage(ctx context.Context, election, complaint, sha256 string, at time.Time) error {
	if err := dauys.CheckImageName(sha256); err != nil {
		return err
	}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM complaints WHERE election_id = $1 AND id = $2`, election, idNumber(complaint)).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s has no complaint %s", dauys.QuotePrefix(election), dauys.QuotePrefix(complaint))
		} else if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO complaint_images (complaint_id, sha256, received_at) VALUES ($1, $2, $3)
			ON CONFLICT (complaint_id, sha256) DO NOTHING`, idNumber(complaint), sha256, nanos(at))
		return err
	})
	return wrap("add complaint image", err)
}
