package rla

import (
	"container/heap"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"sort"
	"strconv"
)

// Every sample in this file is a pure function of a public seed, so anyone
// can recompute it with the reference Python code and a published seed
// (ideally rolled with dice in public after the results are final).

// RivestSample reproduces Rivest's reference sampler.py (2011): the i-th
// pseudo-random pick, for i = 1, 2, …, is
//
//	a + (SHA-256(seed + "," + i) read as a 256-bit big-endian integer) mod (b − a + 1),
//
// with the seed and i as UTF-8 text. Without replacement a pick equal to an
// earlier one is rejected and the counter moves on. The first skip accepted
// picks are the previous rounds' sample and are not returned, so an escalated
// audit extends its sample consistently. The modulo bias is below 2^−200 for
// any real manifest.
func RivestSample(seed string, a, b int64, n, skip int, withReplacement bool) ([]int64, error) {
	if n < 0 || skip < 0 {
		return nil, fmt.Errorf("%w: negative sample size", ErrInvalid)
	}
	if a > b {
		return nil, fmt.Errorf("%w: empty range %d..%d", ErrInvalid, a, b)
	}
	size := new(big.Int).Add(new(big.Int).Sub(big.NewInt(b), big.NewInt(a)), big.NewInt(1))
	if !size.IsInt64() {
		return nil, fmt.Errorf("%w: range %d..%d is too large", ErrInvalid, a, b)
	}
	if !withReplacement && size.Cmp(big.NewInt(int64(n)+int64(skip))) < 0 {
		return nil, fmt.Errorf("%w: cannot draw %d distinct values from %s", ErrInvalid, n+skip, size)
	}
	seen := map[int64]bool{}
	out := make([]int64, 0, n)
	accepted := 0
	h := new(big.Int)
	for count := 1; accepted < n+skip; count++ {
		sum := sha256.Sum256([]byte(seed + "," + strconv.Itoa(count)))
		h.SetBytes(sum[:])
		h.Mod(h, size)
		pick := a + h.Int64()
		if !withReplacement {
			if seen[pick] {
				continue
			}
			seen[pick] = true
		}
		if accepted >= skip {
			out = append(out, pick)
		}
		accepted++
	}
	return out, nil
}

// SampleBallots draws n ballot positions in 1..total uniformly with
// replacement by RivestSample, the sampling BRAVO assumes. Draw i of an
// escalated audit is the same whatever n is, so later rounds extend earlier ones.
func SampleBallots(seed string, n int, total int64) ([]int64, error) {
	if total < 1 {
		return nil, fmt.Errorf("%w: no ballots to sample", ErrInvalid)
	}
	return RivestSample(seed, 1, total, n, 0, true)
}

// Ticket is one draw of the consistent sampler: the ticket number (a decimal
// fraction in (0, 1), trimmed for display), the object's id and how many
// times the object has now been drawn.
type Ticket struct {
	Number     string `json:"ticket_number"`
	ID         string `json:"id"`
	Generation int    `json:"generation"`
}

// sha256Hex is consistent_sampler.sha256_hex for a string input.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sha256Uniform is consistent_sampler.sha256_uniform: the decimal digits of
// SHA-256(s), left-padded to at least 64 digits and reversed (the low-order
// digits are the unbiased ones), after "0.".
func sha256Uniform(s string) string {
	sum := sha256.Sum256([]byte(s))
	digits := new(big.Int).SetBytes(sum[:]).Text(10)
	for len(digits) < 64 {
		digits = "0" + digits
	}
	out := make([]byte, 2, len(digits)+2)
	out[0], out[1] = '0', '.'
	for i := len(digits) - 1; i >= 0; i-- {
		out = append(out, digits[i])
	}
	return string(out)
}

// FirstFraction is consistent_sampler.first_fraction: the generation-1 ticket
// number of id, sha256_uniform(sha256_hex(seed) + id). For string ids and
// seeds this is exactly the Python package's value.
func FirstFraction(id, seed string) string {
	return sha256Uniform(sha256Hex(seed) + id)
}

// parseFraction checks that x has the form "0.ddd…".
func parseFraction(x string) error {
	if len(x) < 2 || x[:2] != "0." {
		return fmt.Errorf("%w: ticket number %q does not start with \"0.\"", ErrInvalid, x)
	}
	for i := 2; i < len(x); i++ {
		if x[i] < '0' || x[i] > '9' {
			return fmt.Errorf("%w: ticket number %q has a non-digit", ErrInvalid, x)
		}
	}
	return nil
}

// firstNon9 returns the index in x+"0" of the first digit after "0." that is
// not 9; the appended 0 guarantees one exists.
func firstNon9(x string) int {
	for i := 2; i < len(x); i++ {
		if x[i] < '9' {
			return i
		}
	}
	return len(x)
}

// NextFraction is consistent_sampler.next_fraction: a pseudo-random fraction
// y > x, keeping x's leading 9s and replacing the rest with
// sha256_uniform(x + ":" + i) for i = 1, 2, … until the result exceeds x.
func NextFraction(x string) (string, error) {
	if err := parseFraction(x); err != nil {
		return "", err
	}
	x0 := x + "0"
	keep := firstNon9(x0)
	y := "0."
	for i := 1; y <= x0; i++ {
		y = x0[:keep] + sha256Uniform(x + ":" + strconv.Itoa(i))[2:]
	}
	return y, nil
}

// TrimFraction is consistent_sampler.trim: x truncated (not rounded) to digits
// significant digits after its leading 9s.
func TrimFraction(x string, digits int) (string, error) {
	if err := parseFraction(x); err != nil {
		return "", err
	}
	if digits < 1 {
		return "", fmt.Errorf("%w: trim to %d digits", ErrInvalid, digits)
	}
	return x[:min(firstNon9(x+"0")+digits, len(x))], nil
}

// ticketHeap orders tickets as Python orders the Ticket namedtuple: by ticket
// number (as a string), then id, then generation.
type ticketHeap []Ticket

func (h ticketHeap) Len() int { return len(h) }
func (h ticketHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.Number != b.Number {
		return a.Number < b.Number
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.Generation < b.Generation
}
func (h ticketHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *ticketHeap) Push(x any)   { *h = append(*h, x.(Ticket)) }
func (h *ticketHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

// ConsistentSample is consistent_sampler.sampler(ids, seed, with_replacement,
// take=n, digits=digits) for string ids and seed, the sampler Arlo uses: each
// object gets a ticket number from FirstFraction, objects are drawn in
// increasing ticket order, and with replacement a drawn object returns with
// the ticket NextFraction of its last one. Returned ticket numbers are
// trimmed to digits significant digits (Arlo uses 18, the package default is
// 9). The order is consistent: sampling a subset of ids yields the same
// relative order as filtering the sample of the whole set.
func ConsistentSample(seed string, ids []string, n int, withReplacement bool, digits int) ([]Ticket, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: negative sample size", ErrInvalid)
	}
	if digits < 1 {
		return nil, fmt.Errorf("%w: trim to %d digits", ErrInvalid, digits)
	}
	seen := make(map[string]bool, len(ids))
	h := make(ticketHeap, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			return nil, fmt.Errorf("%w: duplicate id %q", ErrInvalid, id)
		}
		seen[id] = true
		h = append(h, Ticket{Number: FirstFraction(id, seed), ID: id, Generation: 1})
	}
	heap.Init(&h)
	out := make([]Ticket, 0, min(n, max(len(ids), 1)*64))
	for len(out) < n && h.Len() > 0 {
		t := heap.Pop(&h).(Ticket)
		if withReplacement {
			next, err := NextFraction(t.Number)
			if err != nil {
				return nil, err
			}
			heap.Push(&h, Ticket{Number: next, ID: t.ID, Generation: t.Generation + 1})
		}
		trimmed, err := TrimFraction(t.Number, digits)
		if err != nil {
			return nil, err
		}
		out = append(out, Ticket{Number: trimmed, ID: t.ID, Generation: t.Generation})
	}
	return out, nil
}

// Draw is one PPEBWR draw: its 1-based index and the batch it selected.
type Draw struct {
	Index   int    `json:"index"`
	BatchID string `json:"batch_id"`
}

// SampleBatches draws n batches with replacement with probability
// proportional to their MACRO error bounds u_p (PPEBWR: Aslam, Popa & Rivest,
// EVT 2008; Stark 2009).
//
// Draw i takes x_i = SHA-256(seed + "," + i) / 2^256, the same hash input as
// Rivest's sampler.py, orders the batches by id (byte order, so the sample
// does not depend on how a manifest is listed), and selects the first batch
// whose cumulative bound exceeds x_i·U. The comparison is exact rational
// arithmetic, so the sample is reproducible bit for bit. Draw i does not
// depend on n: an escalation that asks for more draws extends the sample.
//
// Arlo draws PPEBWR samples with numpy's generator, which cannot be
// recomputed without numpy; this construction can be checked by hand with
// any SHA-256 tool.
func SampleBatches(seed string, contests []Contest, batches []Batch, n int) ([]Draw, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: negative sample size", ErrInvalid)
	}
	m, err := newMacro(contests, batches)
	if err != nil {
		return nil, err
	}
	if m.total.Sign() == 0 {
		return nil, fmt.Errorf("%w: no batch can hold an error in the audited contests", ErrInvalid)
	}
	order := sortedBatches(m)
	cum := make([]*big.Rat, len(order))
	acc := new(big.Rat)
	for k, i := range order {
		acc = new(big.Rat).Add(acc, m.bounds[i])
		cum[k] = acc
	}
	two256 := new(big.Int).Lsh(big.NewInt(1), 256)
	out := make([]Draw, 0, n)
	h := new(big.Int)
	for i := 1; i <= n; i++ {
		sum := sha256.Sum256([]byte(seed + "," + strconv.Itoa(i)))
		h.SetBytes(sum[:])
		target := new(big.Rat).SetFrac(h, two256)
		target.Mul(target, m.total)
		k := sort.Search(len(cum), func(k int) bool { return cum[k].Cmp(target) > 0 })
		out = append(out, Draw{Index: i, BatchID: m.batches[order[k]].ID})
	}
	return out, nil
}

// ManifestBatch is one line of a ballot manifest: a container of paper
// ballots and how many it holds.
type ManifestBatch struct {
	ID      string `json:"id"`
	Ballots int64  `json:"ballots"`
}

// Ballot locates a sampled ballot: its 1-based position in the manifest, its
// batch and its 1-based position within the batch.
type Ballot struct {
	Position int64  `json:"position"`
	Batch    string `json:"batch"`
	Index    int64  `json:"index"`
}

// LocateBallots maps manifest positions (1..total, in manifest order, as
// SampleBallots returns them) to batches and positions within batches, so
// that auditors can retrieve the paper. The manifest order is part of the
// published plan.
func LocateBallots(manifest []ManifestBatch, positions []int64) ([]Ballot, error) {
	ends := make([]int64, len(manifest))
	var total int64
	for i, b := range manifest {
		if b.Ballots < 0 {
			return nil, fmt.Errorf("%w: manifest batch %q has negative ballots", ErrInvalid, b.ID)
		}
		total += b.Ballots
		ends[i] = total
	}
	out := make([]Ballot, 0, len(positions))
	for _, p := range positions {
		if p < 1 || p > total {
			return nil, fmt.Errorf("%w: position %d outside the manifest's %d ballots", ErrInvalid, p, total)
		}
		k := sort.Search(len(ends), func(k int) bool { return ends[k] >= p })
		start := ends[k] - manifest[k].Ballots
		out = append(out, Ballot{Position: p, Batch: manifest[k].ID, Index: p - start})
	}
	return out, nil
}
