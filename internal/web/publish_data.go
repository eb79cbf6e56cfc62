package web

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/dataset"
	"github.com/dauys/dauys/internal/tlog"
)

// precinctFiles writes the election's every protocol as one file for data
// desks, in the layout of internal/dataset (docs/data.md):
// data/<election>/precincts.csv, precincts.parquet, and the CSV's
// description for CSV on the Web readers, precincts.csv-metadata.json.
// Names are in the first language of the site; `dauys cdf export --format
// csv --lang ru|en` writes the same rows with names in another.
//
// They are bulk downloads: an export within PublishOptions.DownloadsEvery
// of the one that made them shares them as they are.
func (p *publisher) precinctFiles(ctx context.Context) error {
	base := "data/" + tlog.Slug(p.e.ID) + "/precincts"
	if ok, err := p.keep(base+".csv", base+".csv-metadata.json", base+".parquet"); ok || err != nil {
		return err
	}
	var csvBuf, pqBuf bytes.Buffer
	cw, err := dataset.NewCSVWriter(&csvBuf)
	if err != nil {
		return err
	}
	pw := dataset.NewParquetWriter(&pqBuf)
	err = dataset.Rows(p.e, dauys.Languages[0], func(contest, area string) (map[string]int64, bool) {
		pr := p.pre[area][contest]
		if pr == nil {
			return nil, false
		}
		return pr.Lines, true
	}, func(r dataset.Row) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := cw.Write(r); err != nil {
			return err
		}
		return pw.Write(r)
	})
	if err != nil {
		return err
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	if err := pw.Close(); err != nil {
		return err
	}
	meta, err := json.MarshalIndent(dataset.CSVMetadata("precincts.csv"), "", " ")
	if err != nil {
		return err
	}
	if err := p.write(base+".csv", csvBuf.Bytes()); err != nil {
		return err
	}
	if err := p.write(base+".csv-metadata.json", append(meta, '\n')); err != nil {
		return err
	}
	return p.write(base+".parquet", pqBuf.Bytes())
}
