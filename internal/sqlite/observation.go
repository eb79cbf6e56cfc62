package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/dauys/dauys"
)

// RegisterOrganisation stores an observer organisation of an election.
func (s *Store) RegisterOrganisation(ctx context.Context, o *dauys.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = s.Now().UTC()
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, o.Election); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO organisations (election_id, name, kind, created_at) VALUES (?, ?, ?, ?)`,
			o.Election, o.Name, o.Kind, nanos(o.CreatedAt))
		if isUniqueViolation(err) {
			return dauys.Errorf(dauys.ECONFLICT, "organisation %s is registered for election %s already", dauys.QuotePrefix(o.Name), o.Election)
		}
		return err
	})
	return wrap("register organisation", err)
}

// Organisations lists an election's organisations by name.
func (s *Store) Organisations(ctx context.Context, election string) ([]*dauys.Organisation, error) {
	var out []*dauys.Organisation
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT name, kind, created_at FROM organisations WHERE election_id = ? ORDER BY name`, election)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o := &dauys.Organisation{Election: election}
			var at sql.NullInt64
			if err := rows.Scan(&o.Name, &o.Kind, &at); err != nil {
				return err
			}
			o.CreatedAt = timeOf(at)
			out = append(out, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("organisations", err)
	}
	return out, nil
}

// SaveObservation stores an observation and sets its ID.
func (s *Store) SaveObservation(ctx context.Context, o *dauys.Observation) error {
	if err := o.CheckStored(); err != nil {
		return err
	}
	lines, err := json.Marshal(o.Lines)
	if err != nil {
		return wrap("save observation", err)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := organisationExists(ctx, tx, o.Election, o.Org); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO observations (election_id, contest_id, area_id, org, lines, observer, source, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.Election, o.Contest, o.Area, o.Org, string(lines), o.Observer, o.Source, nanos(o.ReceivedAt))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		o.ID = dauys.ObservationID(id)
		return nil
	})
	return wrap("save observation", err)
}

func organisationExists(ctx context.Context, tx *sql.Tx, election, org string) error {
	if err := electionExists(ctx, tx, election); err != nil {
		return err
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM organisations WHERE election_id = ? AND name = ?`, election, org).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return dauys.Errorf(dauys.ENOTFOUND, "organisation %s is not registered for election %s", dauys.QuotePrefix(org), election)
	}
	return err
}

const observationColumns = `id, election_id, contest_id, area_id, org, lines, observer, source, received_at`

// Observations returns the observations of a precinct, or of the whole
// election for area "", with their images.
func (s *Store) Observations(ctx context.Context, election, area string) ([]*dauys.Observation, error) {
	var out []*dauys.Observation
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		q := `SELECT ` + observationColumns + ` FROM observations WHERE election_id = ?`
		args := []any{election}
		if area != "" {
			q += ` AND area_id = ?`
			args = append(args, area)
		}
		var err error
		if out, err = scanObservations(ctx, tx, q+` ORDER BY area_id, contest_id, id`, args...); err != nil {
			return err
		}
		return attachImages(ctx, tx, election, area, out)
	})
	if err != nil {
		return nil, wrap("observations", err)
	}
	return out, nil
}

// Observation returns one observation with its images.
func (s *Store) Observation(ctx context.Context, election, id string) (*dauys.Observation, error) {
	n, perr := strconv.ParseInt(id, 10, 64)
	var out []*dauys.Observation
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if perr != nil {
			return nil
		}
		var err error
		if out, err = scanObservations(ctx, tx, `SELECT `+observationColumns+` FROM observations WHERE election_id = ? AND id = ?`, election, n); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		return attachImages(ctx, tx, election, out[0].Area, out)
	})
	if err != nil {
		return nil, wrap("observation", err)
	}
	if len(out) == 0 {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "election %s has no observation %s", dauys.QuotePrefix(election), dauys.QuotePrefix(id))
	}
	return out[0], nil
}

func scanObservations(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]*dauys.Observation, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dauys.Observation
	for rows.Next() {
		o := &dauys.Observation{}
		var id int64
		var lines string
		var at sql.NullInt64
		if err := rows.Scan(&id, &o.Election, &o.Contest, &o.Area, &o.Org, &lines, &o.Observer, &o.Source, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(lines), &o.Lines); err != nil {
			return nil, err
		}
		o.ID, o.ReceivedAt = dauys.ObservationID(id), timeOf(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// attachImages reads the images of the observations, which are of one
// election and, unless area is "", of one precinct.
func attachImages(ctx context.Context, tx *sql.Tx, election, area string, obs []*dauys.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	byID := make(map[string]*dauys.Observation, len(obs))
	for _, o := range obs {
		byID[o.ID] = o
	}
	q := `SELECT i.observation_id, o.contest_id, o.area_id, o.org, i.sha256, i.media_type, i.size, i.uploader, i.received_at
		FROM observation_images i JOIN observations o ON o.id = i.observation_id WHERE i.election_id = ?`
	args := []any{election}
	if area != "" {
		q += ` AND o.area_id = ?`
		args = append(args, area)
	}
	imgs, err := scanImages(ctx, tx, q+` ORDER BY i.seq`, args...)
	if err != nil {
		return err
	}
	for _, img := range imgs {
		if o := byID[img.Observation]; o != nil {
			img.Election = election
			o.Images = append(o.Images, *img)
		}
	}
	return nil
}

func scanImages(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]*dauys.ObservationImage, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*dauys.ObservationImage
	for rows.Next() {
		img := &dauys.ObservationImage{}
		var obs int64
		var at sql.NullInt64
		if err := rows.Scan(&obs, &img.Contest, &img.Area, &img.Org, &img.SHA256, &img.MediaType, &img.Size, &img.Uploader, &at); err != nil {
			return nil, err
		}
		img.Observation, img.ReceivedAt = dauys.ObservationID(obs), timeOf(at)
		out = append(out, img)
	}
	return out, rows.Err()
}

// AddObservationImage records an image of an observation, once.
func (s *Store) AddObservationImage(ctx context.Context, img *dauys.ObservationImage) error {
	if err := dauys.CheckImageName(img.SHA256); err != nil {
		return err
	}
	n, perr := strconv.ParseInt(img.Observation, 10, 64)
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM observations WHERE election_id = ? AND id = ?`, img.Election, n).Scan(&one)
		if perr != nil || errors.Is(err, sql.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s has no observation %s", dauys.QuotePrefix(img.Election), dauys.QuotePrefix(img.Observation))
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO observation_images (election_id, observation_id, sha256, media_type, size, uploader, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (observation_id, sha256) DO NOTHING`,
			img.Election, n, img.SHA256, img.MediaType, img.Size, img.Uploader, nanos(img.ReceivedAt))
		return err
	})
	return wrap("add observation image", err)
}

// ObservationImages returns every image of an election, in the order they
// were added.
func (s *Store) ObservationImages(ctx context.Context, election string) ([]*dauys.ObservationImage, error) {
	var out []*dauys.ObservationImage
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		var err error
		out, err = scanImages(ctx, tx, `SELECT i.observation_id, o.contest_id, o.area_id, o.org, i.sha256, i.media_type, i.size, i.uploader, i.received_at
			FROM observation_images i JOIN observations o ON o.id = i.observation_id WHERE i.election_id = ? ORDER BY i.seq`, election)
		return err
	})
	if err != nil {
		return nil, wrap("observation images", err)
	}
	for _, img := range out {
		img.Election = election
	}
	return out, nil
}

// ObservationsVersion counts the election's observations, images,
// complaints and recounts, and the decisions and counts that closed them:
// rows are never deleted and a decision is made once, so it grows with
// every change the pages show.
func (s *Store) ObservationsVersion(ctx context.Context, election string) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM observations WHERE election_id = ?1)
		+ (SELECT COUNT(*) FROM observation_images WHERE election_id = ?1)
		+ (SELECT COUNT(*) + COUNT(decided_at) FROM complaints WHERE election_id = ?1)
		+ (SELECT COUNT(*) + COUNT(done_at) FROM recounts WHERE election_id = ?1)
		+ (SELECT COUNT(*) FROM complaint_images i JOIN complaints c ON c.id = i.complaint_id WHERE c.election_id = ?1)`, election).Scan(&n)
	return n, wrap("observations version", err)
}
