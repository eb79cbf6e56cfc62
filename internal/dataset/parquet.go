package dataset

import (
	"io"

	"github.com/parquet-go/parquet-go"
)

// parquetRow is a Row as Parquet stores it: every column of the layout,
// strings as UTF-8 byte arrays, the count as INT64; the columns that
// repeat (ids, levels, names of contests and options) dictionary-encoded.
type parquetRow struct {
	Election    string `parquet:"election,dict"`
	Area        string `parquet:"area"`
	AreaName    string `parquet:"area_name"`
	Level       string `parquet:"area_level,dict"`
	Parent      string `parquet:"parent,dict"`
	Contest     string `parquet:"contest,dict"`
	ContestName string `parquet:"contest_name,dict"`
	Line        string `parquet:"line,dict"`
	Option      string `parquet:"option,dict"`
	OptionName  string `parquet:"option_name,dict"`
	CountType   string `parquet:"count_type,dict"`
	Count       int64  `parquet:"count"`
}

// ParquetWriter writes rows as a Parquet file with the columns of the
// layout, compressed with Zstandard, its key-value metadata naming the
// Schema ("dauys.schema").
type ParquetWriter struct {
	w   *parquet.GenericWriter[parquetRow]
	buf []parquetRow
}

// NewParquetWriter starts a Parquet file on w.
func NewParquetWriter(w io.Writer) *ParquetWriter {
	return &ParquetWriter{w: parquet.NewGenericWriter[parquetRow](w,
		parquet.Compression(&parquet.Zstd),
		parquet.KeyValueMetadata("dauys.schema", Schema),
		parquet.CreatedBy("dauys", Version, "")),
		buf: make([]parquetRow, 0, 4096)}
}

// Write adds a row.
func (p *ParquetWriter) Write(r Row) error {
	p.buf = append(p.buf, parquetRow(r))
	if len(p.buf) == cap(p.buf) {
		return p.flush()
	}
	return nil
}

func (p *ParquetWriter) flush() error {
	_, err := p.w.Write(p.buf)
	p.buf = p.buf[:0]
	return err
}

// Close writes the buffered rows and the file's footer.
func (p *ParquetWriter) Close() error {
	if err := p.flush(); err != nil {
		return err
	}
	return p.w.Close()
}
