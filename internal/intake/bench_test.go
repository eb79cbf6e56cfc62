package intake_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/sqlite"
)

// BenchmarkImport2011 imports the 95,225 real protocols of the 2011 Russian
// Duma election, the whole intake path: CSV parsing, area creation,
// validation against the official control relations, durable storage and
// running totals. Run it with
//
//	go test ./internal/intake -run '^$' -bench Import2011 -benchtime 1x
//
// (with DAUYS_TEST_POSTGRES set for the PostgreSQL case).
func BenchmarkImport2011(b *testing.B) {
	zip := filepath.Join("..", "..", "..", "shared", "data", "ru-cec", "2011.csv.zip")
	if _, err := os.Stat(zip); err != nil {
		b.Skip("../shared/data/ru-cec/2011.csv.zip is absent")
	}
	def, err := definition.Load(filepath.Join("..", "..", "examples", "ru-duma-2011"))
	if err != nil {
		b.Fatal(err)
	}
	stores := map[string]func(b *testing.B) dauys.Store{
		"sqlite": func(b *testing.B) dauys.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "ru.db"))
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
	}
	if os.Getenv("DAUYS_TEST_POSTGRES") != "" {
		stores["postgres"] = func(b *testing.B) dauys.Store {
			s, err := postgres.Open(context.Background(), pgtest.SchemaURL(b))
			if err != nil {
				b.Fatal(err)
			}
			return s
		}
	}
	for name, open := range stores {
		b.Run(name, func(b *testing.B) {
			var rows int
			for b.Loop() {
				b.StopTimer()
				s := open(b)
				if err := s.CreateElection(context.Background(), def); err != nil {
					b.Fatal(err)
				}
				f, _, err := intake.OpenProtocolFile(zip)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				rep, err := intake.New(s, nil).ImportCSV(context.Background(), def.ID, f, zip, intake.ImportOptions{AcknowledgeWarnings: true})
				b.StopTimer()
				f.Close()
				s.Close()
				if err != nil || rep.Accepted != 95225 {
					b.Fatalf("%+v, %v", rep, err)
				}
				rows += rep.Rows
				b.StartTimer()
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "protocols/s")
		})
	}
}
