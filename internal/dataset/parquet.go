package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
)

// The Parquet file is written here, not with a library: the layout is one
// flat table of eleven strings and an integer, which takes PLAIN pages,
// GZIP from the standard library and a Thrift footer, about two hundred
// lines; the maintained Go library (parquet-go) would add 11 MB and ten
// modules to the binary. The files use only the core of the format
// (required columns, PLAIN encoding, GZIP, format version 1), which every
// Parquet reader supports; the tests read them with parquet-go's reader.

// Parquet's enums, as parquet.thrift numbers them.
const (
	parquetInt64     = 2
	parquetByteArray = 6
	parquetRequired  = 0
	parquetUTF8      = 0 // ConvertedType
	parquetPlain     = 0
	parquetRLE       = 3
	parquetGzip      = 2
	parquetDataPage  = 0
)

// rowGroupRows bounds the rows a writer holds: each group of this many is
// written out as it fills.
const rowGroupRows = 1 << 16

var parquetMagic = []byte("PAR1")

// ParquetWriter writes rows as a Parquet file with the columns of the
// layout (strings as UTF-8 byte arrays, the count as INT64, all required),
// in row groups of up to 65,536 rows, one GZIP-compressed PLAIN page per
// column and group, its key-value metadata naming the Schema
// ("dauys.schema").
type ParquetWriter struct {
	w      io.Writer
	offset int64
	rows   []Row
	groups []rowGroup
	total  int64
	err    error
}

type rowGroup struct {
	rows   int64
	bytes  int64
	chunks []columnChunk
}

type columnChunk struct {
	offset, uncompressed, compressed int64
}

// NewParquetWriter starts a Parquet file on w.
func NewParquetWriter(w io.Writer) *ParquetWriter {
	p := &ParquetWriter{w: w, rows: make([]Row, 0, 1024)}
	p.write(parquetMagic)
	return p
}

func (p *ParquetWriter) write(b []byte) {
	if p.err != nil {
		return
	}
	n, err := p.w.Write(b)
	p.offset += int64(n)
	p.err = err
}

// Write adds a row.
func (p *ParquetWriter) Write(r Row) error {
	p.rows = append(p.rows, r)
	if len(p.rows) == rowGroupRows {
		p.flushGroup()
	}
	return p.err
}

// cell returns column i of a row as a string column holds it.
func cell(r *Row, i int) string {
	switch i {
	case 0:
		return r.Election
	case 1:
		return r.Area
	case 2:
		return r.AreaName
	case 3:
		return r.Level
	case 4:
		return r.Parent
	case 5:
		return r.Contest
	case 6:
		return r.ContestName
	case 7:
		return r.Line
	case 8:
		return r.Option
	case 9:
		return r.OptionName
	}
	return r.CountType
}

// flushGroup writes the held rows as a row group, column after column.
func (p *ParquetWriter) flushGroup() {
	if len(p.rows) == 0 || p.err != nil {
		return
	}
	g := rowGroup{rows: int64(len(p.rows))}
	var plain, packed bytes.Buffer
	for i, name := range Columns {
		plain.Reset()
		for j := range p.rows {
			if name == "count" {
				plain.Write(binary.LittleEndian.AppendUint64(nil, uint64(p.rows[j].Count)))
				continue
			}
			s := cell(&p.rows[j], i)
			plain.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
			plain.WriteString(s)
		}
		packed.Reset()
		zw := gzip.NewWriter(&packed)
		zw.Write(plain.Bytes())
		if err := zw.Close(); err != nil {
			p.err = err
			return
		}
		var h thriftWriter
		h.begin()
		h.i32(1, parquetDataPage)
		h.i32(2, int32(plain.Len()))
		h.i32(3, int32(packed.Len()))
		h.structField(5)
		h.i32(1, int32(len(p.rows)))
		h.i32(2, parquetPlain)
		h.i32(3, parquetRLE)
		h.i32(4, parquetRLE)
		h.end()
		h.end()
		c := columnChunk{offset: p.offset, uncompressed: int64(len(h.buf) + plain.Len()), compressed: int64(len(h.buf) + packed.Len())}
		p.write(h.buf)
		p.write(packed.Bytes())
		g.chunks = append(g.chunks, c)
		g.bytes += c.uncompressed
	}
	p.total += g.rows
	p.groups = append(p.groups, g)
	p.rows = p.rows[:0]
}

func columnType(name string) int32 {
	if name == "count" {
		return parquetInt64
	}
	return parquetByteArray
}

// Close writes the held rows and the file's footer.
func (p *ParquetWriter) Close() error {
	p.flushGroup()
	var f thriftWriter
	f.begin()
	f.i32(1, 1) // version
	f.listField(2, thriftStruct, 1+len(Columns))
	f.begin()
	f.str(4, "schema")
	f.i32(5, int32(len(Columns)))
	f.end()
	for _, name := range Columns {
		f.begin()
		f.i32(1, columnType(name))
		f.i32(3, parquetRequired)
		f.str(4, name)
		if columnType(name) == parquetByteArray {
			f.i32(6, parquetUTF8)
			f.structField(10) // LogicalType
			f.structField(1)  // STRING
			f.end()
			f.end()
		}
		f.end()
	}
	f.i64(3, p.total)
	f.listField(4, thriftStruct, len(p.groups))
	for _, g := range p.groups {
		f.begin()
		f.listField(1, thriftStruct, len(g.chunks))
		for i, c := range g.chunks {
			f.begin()
			f.i64(2, c.offset)
			f.structField(3) // ColumnMetaData
			f.i32(1, columnType(Columns[i]))
			f.listField(2, thriftI32, 2)
			f.zigzag(parquetPlain)
			f.zigzag(parquetRLE)
			f.listField(3, thriftBinary, 1)
			f.binary(Columns[i])
			f.i32(4, parquetGzip)
			f.i64(5, g.rows)
			f.i64(6, c.uncompressed)
			f.i64(7, c.compressed)
			f.i64(9, c.offset)
			f.end()
			f.end()
		}
		f.i64(2, g.bytes)
		f.i64(3, g.rows)
		f.end()
	}
	f.listField(5, thriftStruct, 1)
	f.begin()
	f.str(1, "dauys.schema")
	f.str(2, Schema)
	f.end()
	f.str(6, "dauys (layout "+Schema+")")
	f.end()
	p.write(f.buf)
	p.write(binary.LittleEndian.AppendUint32(nil, uint32(len(f.buf))))
	p.write(parquetMagic)
	return p.err
}
