package intake_test

import (
	"archive/zip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

const limitsHeader = "area,contest,registered,took_part,invalid,against_all,option:a,option:b\n"

// TestImportCSVStrictCells: a row whose cells do not match the header, or
// whose counts are written loosely, is refused with a reason naming its
// row and column, quoting at most a short prefix of the cell.
func TestImportCSVStrictCells(t *testing.T) {
	long := strings.Repeat("x", intake.MaxCellBytes+1)
	for _, tc := range []struct{ name, row, reason string }{
		{"plus sign", "p1,list,1000,600,10,20,+400,170", `column "option:a" (line option:a): "+400" has a sign`},
		{"minus sign", "p1,list,1000,600,10,20,-400,170", `"-400" has a sign`},
		{"leading space", "p1,list,1000,600,10,20, 400,170", `" 400" has spaces`},
		{"trailing space", "p1,list,1000,600,10,20,400 ,170", `"400 " has spaces`},
		{"leading zero", "p1,list,1000,600,10,20,0400,170", `"0400" has a leading zero`},
		{"exponent", "p1,list,1000,600,10,20,4e2,170", `"4e2" is not a whole number`},
		{"fraction", "p1,list,1000,600,10,20,400.0,170", `"400.0" is not a whole number`},
		{"overflow", "p1,list,1000,600,10,20,99999999999999999999,170", `"99999999999999999999" is too large`},
		{"extra cell", "p1,list,1000,600,10,20,400,170,", "the row has 9 cells, the header 8"},
		{"extra cells with values", "p1,list,1000,600,10,20,400,170,5,6", "the row has 10 cells, the header 8"},
		{"missing cell", "p1,list,1000,600,10,20,400", "the row has 7 cells, the header 8"},
		{"long cell", "p1," + long + ",1000,600,10,20,400,170", `column "contest": the cell is 4097 bytes, longer than 4096: "xxxxxxxx`},
		{"long contest", "p1,list" + strings.Repeat("y", 100) + ",1000,600,10,20,400,170", `contest "listyyyy`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv(t, testElection(false))
			data := limitsHeader + tc.row + "\np2,list,800,500,5,15,300,180\n"
			var rejected []intake.RowError
			rep, err := v.intake.ImportCSV(context.Background(), "e", strings.NewReader(data), "night.csv", intake.ImportOptions{
				Rejected: func(r intake.RowError) { rejected = append(rejected, r) }})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != 1 || rep.Rejected != 1 || len(rejected) != 1 {
				t.Fatalf("report %+v, rejected %+v", rep, rejected)
			}
			r := rejected[0]
			if r.Row != 2 || !strings.HasPrefix(r.Reason, "night.csv:2: ") || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("refusal = row %d %q, want row 2 with %q", r.Row, r.Reason, tc.reason)
			}
			if len(r.Reason) > 300 {
				t.Errorf("the refusal is %d bytes: it repeats the input", len(r.Reason))
			}
		})
	}
}

// TestImportCSVHeaderTwice: a header naming a column the import reads
// twice is refused (which cell holds the count?); one it does not read may
// repeat.
func TestImportCSVHeaderTwice(t *testing.T) {
	v := newEnv(t, testElection(false))
	data := "area,contest,registered,took_part,invalid,against_all,option:a,option:b,option:a\np1,list,1000,600,10,20,400,170,9\n"
	_, err := v.intake.ImportCSV(context.Background(), "e", strings.NewReader(data), "twice.csv", intake.ImportOptions{})
	if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(err), `twice.csv:1: the header names the column(s) "option:a" more than once`) {
		t.Errorf("err = %v", err)
	}
	data = "area,contest,note,registered,took_part,invalid,against_all,option:a,option:b,note\np1,list,,1000,600,10,20,400,170,\n"
	if rep, err := v.intake.ImportCSV(context.Background(), "e", strings.NewReader(data), "notes.csv", intake.ImportOptions{}); err != nil || rep.Accepted != 1 {
		t.Errorf("a repeated column the import does not read: %+v, %v", rep, err)
	}
}

// endless is a reader of head followed by fill repeated without end; it
// counts what was read from it.
type endless struct {
	head string
	fill string
	read int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if e.read < len(e.head) {
			k := copy(p[n:], e.head[e.read:])
			n, e.read = n+k, e.read+k
			continue
		}
		off := (e.read - len(e.head)) % len(e.fill)
		k := copy(p[n:], e.fill[off:])
		n, e.read = n+k, e.read+k
	}
	return n, nil
}

// TestImportCSVRowTooLong: a cell without end (a zip bomb's one gigabyte
// cell) stops the import at its row after reading little more than
// MaxRowBytes; the rows before it are stored and the error quotes nothing.
func TestImportCSVRowTooLong(t *testing.T) {
	for _, tc := range []struct{ name, fill string }{
		{"one line", "a"},
		{"a quoted cell over many lines", "a\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv(t, testElection(false))
			r := &endless{head: limitsHeader + "p1,list,1000,600,10,20,400,170\np2,list,\"", fill: tc.fill}
			rep, err := v.intake.ImportCSV(context.Background(), "e", r, "bomb.csv", intake.ImportOptions{})
			if dauys.ErrorCode(err) != dauys.EINVALID {
				t.Fatalf("err = %v, want a refusal", err)
			}
			msg := dauys.ErrorMessage(err)
			if !strings.HasPrefix(msg, "bomb.csv:3: the row is longer than 65536 bytes") || len(msg) > 200 {
				t.Errorf("message = %q", msg)
			}
			if r.read > 2*intake.MaxRowBytes {
				t.Errorf("read %d bytes of an endless row", r.read)
			}
			if rep == nil || rep.Accepted != 1 || rep.Rejected != 1 || rep.Rows != 2 {
				t.Errorf("report %+v", rep)
			}
			tot, _ := v.store.Totals(context.Background(), "e", "list", []string{"kz"})
			if tot["kz"]["option:a"] != 400 {
				t.Errorf("the row before the bomb was not stored: %v", tot["kz"])
			}
		})
	}
}

// TestImportCSVRowLimits: a row just within MaxRowBytes is read; one just
// over it is refused, and the import goes on with the next row.
func TestImportCSVRowLimits(t *testing.T) {
	v := newEnv(t, testElection(false))
	// Eighteen cells of 4000 bytes and the counts: 72 KB, over the limit
	// by less than the CSV reader's read-ahead.
	var pad []string
	for range 18 {
		pad = append(pad, strings.Repeat("z", 4000))
	}
	header := strings.TrimSuffix(limitsHeader, "\n")
	for i := range pad {
		header += ",note" + string(rune('a'+i))
	}
	data := header + "\np1,list,1000,600,10,20,400,170," + strings.Join(pad, ",") + "\n" +
		"p2,list,800,500,5,15,300,180," + strings.Repeat(",", len(pad)-1) + "\n"
	var rejected []intake.RowError
	rep, err := v.intake.ImportCSV(context.Background(), "e", strings.NewReader(data), "wide.csv", intake.ImportOptions{
		Rejected: func(r intake.RowError) { rejected = append(rejected, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 1 || len(rejected) != 1 || !strings.Contains(rejected[0].Reason, "wide.csv:2: the row is 72") {
		t.Errorf("report %+v, rejected %+v", rep, rejected)
	}
}

// cancelling cancels a context once its reader has been read from, and
// then reads on without end: the import must stop on its own.
type cancelling struct {
	endless
	cancel context.CancelFunc
}

func (c *cancelling) Read(p []byte) (int, error) {
	if c.read > len(c.head) {
		c.cancel()
	}
	return c.endless.Read(p)
}

// TestImportCSVCancelled: an import whose context ends stops reading and
// says so, with the counts of what it did.
func TestImportCSVCancelled(t *testing.T) {
	for _, tc := range []struct{ name, fill string }{
		{"good rows", "p1,list,1000,600,10,20,400,170\n"},
		{"refused rows", "p1,list,1000,600,10,20,+400,170\n"},
		{"one endless cell", "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv(t, testElection(false))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := &cancelling{endless: endless{head: limitsHeader + "p2,list,800,500,5,15,300,180\n", fill: tc.fill}, cancel: cancel}
			rep, err := v.intake.ImportCSV(ctx, "e", r, "night.csv", intake.ImportOptions{BatchSize: 1})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if rep == nil || rep.Rows == 0 {
				t.Errorf("report %+v: the counts so far are lost", rep)
			}
		})
	}
}

// TestOpenProtocolFileZipLimits: an archive that declares more than the
// limits is refused before anything is decompressed, naming the member.
func TestOpenProtocolFileZipLimits(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sizes  []uint64
		reason string
	}{
		{"one large member", []uint64{intake.MaxZipMemberBytes + 1}, `member "m0.csv" decompresses to 536870913 bytes`},
		{"many members", []uint64{400 << 20, 400 << 20, 400 << 20}, `member "m2.csv" decompresses to 419430400 bytes (1258291200 in all so far)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bomb.zip")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			zw := zip.NewWriter(f)
			for i, size := range tc.sizes {
				// Raw members claim their size without holding it: the
				// limits are checked on what the directory declares.
				w, err := zw.CreateRaw(&zip.FileHeader{Name: "m" + string(rune('0'+i)) + ".csv", Method: zip.Store,
					UncompressedSize64: size, CompressedSize64: 1})
				if err != nil {
					t.Fatal(err)
				}
				w.Write([]byte("a"))
			}
			if err := errors.Join(zw.Close(), f.Close()); err != nil {
				t.Fatal(err)
			}
			rc, _, err := intake.OpenProtocolFile(path)
			if err == nil {
				rc.Close()
				t.Fatal("the archive was opened")
			}
			if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("err = %v, want %q", err, tc.reason)
			}
		})
	}
}

var _ io.Reader = (*endless)(nil)
