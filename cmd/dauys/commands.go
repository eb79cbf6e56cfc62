package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/decidecmd"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
)

func (m *Main) runInit(ctx context.Context, args []string) error {
	fs, db := m.flags("init")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(m.Stdout, "initialised %s\n", *db)
	return nil
}

func (m *Main) runElectionImport(ctx context.Context, args []string) error {
	fs, db := m.flags("election import")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr{"election import takes one definition file or directory"}
	}
	e, err := definition.LoadWith(pos[0], definition.Options{CheckRules: rules.Check})
	if err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e.CreatedAt = m.Now().UTC()
	if err := s.CreateElection(ctx, e); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "imported election %s: %d areas, %d contests\n", e.ID, len(e.Areas), len(e.Contests))
	return nil
}

func (m *Main) runElections(ctx context.Context, args []string) error {
	fs, db := m.flags("elections")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	es, err := s.Elections(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type item struct {
			ID       string     `json:"id"`
			Name     dauys.Text `json:"name"`
			Date     string     `json:"date"`
			Status   string     `json:"status"`
			Contests int        `json:"contests"`
		}
		out := []item{}
		for _, e := range es {
			out = append(out, item{e.ID, e.Name, e.Date, e.Status, len(e.Contests)})
		}
		return writeJSON(m.Stdout, map[string]any{"elections": out})
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tSTATUS\tCONTESTS\tNAME")
	for _, e := range es {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", e.ID, e.Date, e.Status, len(e.Contests), e.Name.In("en"))
	}
	return tw.Flush()
}

func (m *Main) runProtocolsImport(ctx context.Context, args []string) error {
	fs, db := m.flags("protocols import")
	election := fs.String("election", "", "election id")
	ack := fs.Bool("acknowledge-warnings", false, "acknowledge the warnings rows raise (after checking them); without it such rows are refused")
	batch := fs.Int("batch", 1000, "rows per transaction")
	entry := fs.Int("entry", 0, "under double entry, which of the two independent entries this file is (1 or 2): required there, refused elsewhere")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *election == "" || len(pos) != 1 {
		return usageErr{"protocols import takes --election ID and one CSV or zip file"}
	}
	if *entry < 0 || *entry > 2 {
		return usageErr{"--entry is 1 or 2: which of the two independent entries of double entry the file is"}
	}
	f, size, err := intake.OpenProtocolFile(pos[0])
	if dauys.ErrorCode(err) == dauys.EINTERNAL {
		return dauys.Errorf(dauys.EINVALID, "%v", err)
	} else if err != nil {
		return err
	}
	defer f.Close()
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := m.recordImportStart(ctx, s, "protocols import", args); err != nil {
		return err
	}
	counter := &countingReader{r: f}
	bar := m.progressBar(size, counter)
	rep, err := s.intake.ImportCSV(ctx, *election, counter, pos[0], intake.ImportOptions{
		AcknowledgeWarnings: *ack,
		BatchSize:           *batch,
		Entry:               *entry,
		Submitter:           cliActor(),
		Progress:            bar,
		Rejected: func(re intake.RowError) {
			if bar != nil {
				fmt.Fprint(m.Stderr, "\r\033[K")
			}
			fmt.Fprintf(m.Stderr, "rejected: %s\n", re.Reason)
		},
	})
	if bar != nil {
		fmt.Fprintln(m.Stderr)
	}
	if rep != nil {
		m.importCounts = fmt.Sprintf("rows %d: accepted %d, amended %d, duplicates %d, entered %d, disputed %d, rejected %d; areas added %d",
			rep.Rows, rep.Accepted, rep.Amended, rep.Duplicates, rep.Entered, rep.Disputed, rep.Rejected, rep.AreasAdded)
		fmt.Fprintln(m.Stdout, m.importCounts)
	}
	if ctx.Err() != nil && err != nil {
		return fmt.Errorf("the import was interrupted; the protocols counted above as accepted are stored, and running it again resumes it: %w", err)
	}
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return errRejected
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// progressBar returns a progress callback drawing a bar on a terminal, or
// nil when standard error is not one.
func (m *Main) progressBar(size int64, c *countingReader) func(int) {
	f, ok := m.Stderr.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 || size <= 0 {
		return nil
	}
	return func(rows int) {
		pct := 100 * float64(c.n) / float64(size)
		n := int(pct / 5)
		fmt.Fprintf(m.Stderr, "\r[%-20s] %5.1f%%  %d rows", strings.Repeat("#", min(n, 20)), pct, rows)
	}
}

func (m *Main) runTally(ctx context.Context, args []string) error {
	fs, db := m.flags("tally")
	election := fs.String("election", "", "election id")
	area := fs.String("area", "", "area id (default: the whole election)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"tally takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.tally.Area(ctx, *election, *area)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, res)
	}
	return res.WriteText(m.Stdout)
}

func (m *Main) runTokenCreate(ctx context.Context, args []string) error {
	fs, db := m.flags("token create")
	role := fs.String("role", dauys.RoleOperator, "admin, operator, precinct or observer")
	area := fs.String("area", "", "area id the token may write in (default: all)")
	election := fs.String("election", "", "election id")
	subject := fs.String("subject", "", "who the token is for (default: role@area)")
	ttl := fs.Duration("ttl", 30*24*time.Hour, "how long the token is valid")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	switch *role {
	case dauys.RoleAdmin, dauys.RoleOperator, dauys.RolePrecinct, dauys.RoleObserver:
	default:
		return usageErr{fmt.Sprintf("unknown role %q", *role)}
	}
	if *election == "" {
		return usageErr{"token create takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := s.intake.Load(ctx, *election)
	if err != nil {
		return err
	}
	if *area != "" && e.Tree.Area(*area) == nil {
		return dauys.Errorf(dauys.ENOTFOUND, "area %q does not exist in election %s", *area, *election)
	}
	if *subject == "" {
		*subject = *role + "@" + *area
	}
	secret, err := newSecret()
	if err != nil {
		return err
	}
	id, err := newSecret()
	if err != nil {
		return err
	}
	now := m.Now().UTC()
	t := &dauys.Token{ID: id[:12], Hash: dauys.HashToken(secret), CreatedAt: now, ExpiresAt: now.Add(*ttl),
		Principal: dauys.Principal{Subject: *subject, Role: *role, Election: *election, Area: *area}}
	if err := s.CreateToken(ctx, t); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, secret)
	fmt.Fprintf(m.Stderr, "token id %s for %s (%s), expires %s; revoke it with dauys token revoke --id %s\n",
		t.ID, t.Principal.Subject, t.Principal.Role, t.ExpiresAt.Format(time.RFC3339), t.ID)
	return nil
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs, db := m.flags("serve")
	o := serveOptions{}
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file")
	fs.StringVar(&o.TLSKey, "tls-key", "", "the PEM private key of --tls-cert (mode 0600)")
	fs.StringVar(&o.TrustProxy, "trust-proxy", "", "addresses or networks of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto to believe, comma separated")
	fs.Func("log-key", "the CEC's transparency-log key file (from `dauys log keygen`); repeat for each; with it the server appends protocols to the log and signs checkpoints", func(v string) error {
		o.LogKeys = append(o.LogKeys, v)
		return nil
	})
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	return m.serveWith(ctx, s, o)
}

// serve serves the API and pages on addr, over plain HTTP, until ctx is
// done; serveWith takes TLS and proxy options too.
func (m *Main) serve(ctx context.Context, s *store, addr string) error {
	return m.serveWith(ctx, s, serveOptions{Addr: addr})
}

func (m *Main) runDecide(args []string) int {
	return decidecmd.Run(args, m.Stdin, m.Stdout, m.Stderr)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
