package dataset

import (
	"encoding/binary"
)

// thriftWriter writes the Thrift compact protocol, the encoding of
// Parquet's page headers and file footer: just the field, list and value
// kinds those need.
type thriftWriter struct {
	buf  []byte
	last []int16 // the last field id of each open struct
}

// Thrift compact type ids.
const (
	thriftI32    = 5
	thriftI64    = 6
	thriftBinary = 8
	thriftList   = 9
	thriftStruct = 12
)

func (w *thriftWriter) varint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }

func (w *thriftWriter) zigzag(v int64) { w.varint(uint64((v << 1) ^ (v >> 63))) }

// field writes a field header, its id as a delta from the last one.
func (w *thriftWriter) field(id int16, typ byte) {
	last := &w.last[len(w.last)-1]
	if d := id - *last; d > 0 && d <= 15 {
		w.buf = append(w.buf, byte(d)<<4|typ)
	} else {
		w.buf = append(w.buf, typ)
		w.zigzag(int64(id))
	}
	*last = id
}

func (w *thriftWriter) begin()                 { w.last = append(w.last, 0) }
func (w *thriftWriter) end()                   { w.buf = append(w.buf, 0); w.last = w.last[:len(w.last)-1] }
func (w *thriftWriter) i32(id int16, v int32)  { w.field(id, thriftI32); w.zigzag(int64(v)) }
func (w *thriftWriter) i64(id int16, v int64)  { w.field(id, thriftI64); w.zigzag(v) }
func (w *thriftWriter) str(id int16, s string) { w.field(id, thriftBinary); w.binary(s) }
func (w *thriftWriter) binary(s string)        { w.varint(uint64(len(s))); w.buf = append(w.buf, s...) }
func (w *thriftWriter) structField(id int16)   { w.field(id, thriftStruct); w.begin() }
func (w *thriftWriter) listField(id int16, typ byte, n int) {
	w.field(id, thriftList)
	if n < 15 {
		w.buf = append(w.buf, byte(n)<<4|typ)
	} else {
		w.buf = append(w.buf, 0xF0|typ)
		w.varint(uint64(n))
	}
}
