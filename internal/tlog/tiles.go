package tlog

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// TileHeight is the height of the log's tiles: 2^8 = 256 hashes or entries
// a tile, as C2SP tlog-tiles fixes it.
const TileHeight = 8

// TileWidth is the number of hashes or entries in a full tile.
const TileWidth = 1 << TileHeight

// The static layout of a log (C2SP tlog-tiles), under the log's prefix:
//
//	checkpoint                      the latest signed checkpoint
//	tile/<L>/<N>[.p/<W>]            hash tile N of level L
//	tile/entries/<N>[.p/<W>]        entry bundle N: entries 256·N onwards
//
// <N> is written in groups of three digits, all but the last prefixed with
// x (1234067 is x001/x234/067); .p/<W> marks a partial tile of W < 256
// hashes or entries, the rightmost one of a tree whose size is not a
// multiple of 256. Full tiles never change once published.
//
// Dauys adds, beside them, key (the log's verifier key) and
// checkpoints.json (every checkpoint the log signed, for observers to check
// that none of them forked).

// TilePath returns the path of hash tile n of level l, of width w.
func TilePath(l int, n int64, w int) string {
	return "tile/" + strconv.Itoa(l) + "/" + tileIndex(n, w)
}

// EntriesPath returns the path of entry bundle n, of width w.
func EntriesPath(n int64, w int) string {
	return "tile/entries/" + tileIndex(n, w)
}

func tileIndex(n int64, w int) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	if w < TileWidth {
		s += ".p/" + strconv.Itoa(w)
	}
	return s
}

// ParseTilePath reads a tile path: level is -1 for an entry bundle.
func ParseTilePath(path string) (level int, n int64, w int, err error) {
	rest, ok := strings.CutPrefix(path, "tile/")
	bad := fmt.Errorf("%q is not a tile path", path)
	if !ok {
		return 0, 0, 0, bad
	}
	first, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, bad
	}
	if first == "entries" {
		level = -1
	} else if level, err = strconv.Atoi(first); err != nil || level < 0 || level > 63 || strconv.Itoa(level) != first {
		return 0, 0, 0, bad
	}
	w = TileWidth
	if i := strings.Index(rest, ".p/"); i >= 0 {
		if w, err = strconv.Atoi(rest[i+3:]); err != nil || w < 1 || w >= TileWidth || strconv.Itoa(w) != rest[i+3:] {
			return 0, 0, 0, bad
		}
		rest = rest[:i]
	}
	elems := strings.Split(rest, "/")
	for i, e := range elems {
		if i < len(elems)-1 {
			if !strings.HasPrefix(e, "x") {
				return 0, 0, 0, bad
			}
			e = e[1:]
		}
		d, err := strconv.Atoi(e)
		if err != nil || len(e) != 3 || d < 0 {
			return 0, 0, 0, bad
		}
		if n > (1<<62)/1000 {
			return 0, 0, 0, bad
		}
		n = n*1000 + int64(d)
	}
	if tileIndex(n, w) != rest+suffix(w) {
		return 0, 0, 0, bad // leading x000 groups
	}
	return level, n, w, nil
}

func suffix(w int) string {
	if w < TileWidth {
		return ".p/" + strconv.Itoa(w)
	}
	return ""
}

// Tiles returns the hash tiles and entry bundles (level -1) of a tree of
// the size: every full tile and the partial rightmost tile of each level.
func Tiles(size int64) []tlog.Tile {
	var out []tlog.Tile
	for n := int64(0); n*TileWidth < size; n++ {
		out = append(out, tlog.Tile{H: TileHeight, L: -1, N: n, W: int(min(TileWidth, size-n*TileWidth))})
	}
	return append(out, tlog.NewTiles(TileHeight, 0, size)...)
}

// StaticPath is the path of a tile in the static layout.
func StaticPath(t tlog.Tile) string {
	if t.L < 0 {
		return EntriesPath(t.N, t.W)
	}
	return TilePath(t.L, t.N, t.W)
}

// EncodeBundle writes entries as an entry bundle: each entry prefixed with
// its length as a big-endian uint16.
func EncodeBundle(entries [][]byte) ([]byte, error) {
	var b []byte
	for i, e := range entries {
		if len(e) > MaxEntrySize {
			return nil, fmt.Errorf("entry %d is %d bytes, more than an entry bundle holds", i, len(e))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b, nil
}

// DecodeBundle reads the entries of an entry bundle.
func DecodeBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("the bundle ends inside an entry's length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, fmt.Errorf("entry %d says %d bytes but the bundle ends first", len(out), n)
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

// Slug writes an id as one path segment, as the public site and the log
// name their files: ids of letters, digits, dots, dashes and underscores as
// they are, any other (one imported from a CSV file may hold spaces,
// Cyrillic or slashes) as "~" and its base64url form, so that every id is
// one file on every file system and one segment in every URL.
func Slug(id string) string {
	if safeID(id) {
		return id
	}
	return "~" + base64.RawURLEncoding.EncodeToString([]byte(id))
}

// Unslug reverses Slug.
func Unslug(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "~"); ok {
		b, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil || len(b) == 0 {
			return "", false
		}
		return string(b), true
	}
	return s, safeID(s)
}

func safeID(id string) bool {
	if id == "" || id[0] == '.' || id[0] == '~' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
