package decide

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// Fraction shows an exact rational number with a rounded decimal for reading. Exact is written as
// numerator/denominator from the very numbers the rule used (not reduced), so that anyone can redo the
// division; the decisions were made on the exact value, never on the decimal.
type Fraction struct {
	Exact   string `json:"exact"`
	Decimal string `json:"decimal"`
	// Percent is the value times 100, set for shares, to four places for reading the margins.
	Percent string `json:"percent,omitempty"`
	// PercentHundredths is the value times 100 rounded half up to the hundredth from the exact fraction:
	// the figure as the CEC publishes it ("81.31"), and the one every surface shows (see Percent).
	PercentHundredths string `json:"percent_hundredths,omitempty"`
}

// Digits of the rounded decimals. Remainders can differ in the fourth significant digit (KAZAKHSTAN.md
// §2), so decimals carry six places and shares four places of a percent.
const (
	decimalDigits = 6
	percentDigits = 4
)

// notDefined marks the decimal of a fraction with a zero denominator, such as a share of no votes.
const notDefined = "n/a"

// newFraction returns num/den with a decimal rounded to decimalDigits places.
func newFraction(num, den *big.Int) Fraction {
	f := Fraction{Exact: num.String() + "/" + den.String(), Decimal: notDefined}
	if den.Sign() != 0 {
		f.Decimal = new(big.Rat).SetFrac(num, den).FloatString(decimalDigits)
	}
	return f
}

// shareOf returns part/whole as a share, with its percent.
func shareOf(part, whole int64) Fraction {
	return shareBig(big.NewInt(part), big.NewInt(whole))
}

// shareBig is shareOf for big integers.
func shareBig(part, whole *big.Int) Fraction {
	f := newFraction(part, whole)
	f.Percent = notDefined
	f.PercentHundredths = PercentBig(part, whole)
	if whole.Sign() != 0 {
		r := new(big.Rat).SetFrac(part, whole)
		f.Percent = r.Mul(r, big.NewRat(100, 1)).FloatString(percentDigits)
	}
	return f
}

// PublishedDigits is the number of decimals of a published percentage: the CEC and the territorial
// commissions publish turnout and every share to the hundredth (research/official: every published
// figure of 2021-2026 has two decimals).
const PublishedDigits = 2

// Percent returns num/den as a percentage rounded half up to the hundredth, computed from the exact
// fraction and never from a float or an already rounded decimal: 6456393/7940478 is "81.31",
// 1/8 is "12.50", 1/3 is "33.33". It returns "n/a" when den is zero. This is the one rounding of a
// published share: the CEC's figures of 2021-2026 are all reproduced by it (decide/testdata/official.json),
// and every surface that shows a share (the site, the API, CSV, the CDF export, `dauys decide`) must
// show this string, so that the same share never reads differently in two places. Rounding a
// four-place decimal again to two places is not the same (12.344999... gives "12.3450" and then
// "12.35"); use Percent on the counts.
func Percent(num, den int64) string {
	if den == 0 {
		return notDefined
	}
	return Ratio(num, den, 100, PublishedDigits)
}

// Ratio formats num*scale/den with digits decimals, the last rounded to
// nearest with halves away from zero, as big.Rat's FloatString does from
// the exact fraction: for the non-negative counts of protocols, in int64
// arithmetic and without allocating a big number (a page of the static site
// shows hundreds of shares); anything else, or anything that could
// overflow, through big.Rat. den must not be zero.
func Ratio(num, den, scale int64, digits int) string {
	if s, ok := ratioInt(num, den, scale, digits); ok {
		return s
	}
	r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(num), big.NewInt(scale)), big.NewInt(den))
	return r.FloatString(digits)
}

// pow10 are the powers of ten ratioInt scales by.
var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000}

// ratioInt is Ratio for 0 <= num, 0 < den and 0 < scale when num*scale*10^digits
// fits in an int64; false otherwise.
func ratioInt(num, den, scale int64, digits int) (string, bool) {
	if num < 0 || den <= 0 || scale <= 0 || digits < 0 || digits >= len(pow10) {
		return "", false
	}
	p := pow10[digits]
	if scale > math.MaxInt64/p {
		return "", false
	}
	hi, lo := bits.Mul64(uint64(num), uint64(scale*p))
	if hi != 0 || lo > math.MaxInt64 {
		return "", false
	}
	q := int64(lo)
	r, rem := q/den, q%den
	if rem >= den-rem { // half away from zero, from the exact remainder
		r++
	}
	var buf [32]byte
	b := strconv.AppendInt(buf[:0], r/p, 10)
	if digits == 0 {
		return string(b), true
	}
	b = append(b, '.')
	frac := r % p
	for d := p / 10; d > 0; d /= 10 {
		b = append(b, byte('0'+frac/d%10))
	}
	return string(b), true
}

// PercentBig is Percent for big integers.
func PercentBig(num, den *big.Int) string {
	if den.Sign() == 0 {
		return notDefined
	}
	// FloatString rounds the last digit to nearest with halves away from zero, which for the
	// non-negative counts of a protocol is half up; the fraction stays exact until then.
	r := new(big.Rat).SetFrac(new(big.Int).Mul(num, big.NewInt(100)), den)
	return r.FloatString(PublishedDigits)
}

// ratFraction shows a rational number that has no natural unreduced form, such as a configured
// percentage.
func ratFraction(r *big.Rat) Fraction {
	return newFraction(r.Num(), r.Denom())
}

// percentString renders a configured percentage such as 5 or 7.5 for reading.
func percentString(p *big.Rat) string {
	if p.IsInt() {
		return p.Num().String()
	}
	// A percentage given as a terminating decimal reads best as one; otherwise show the fraction.
	for digits := 1; digits <= 6; digits++ {
		s := p.FloatString(digits)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(p) == 0 {
			return s
		}
	}
	return p.RatString()
}

// cmpQuotients compares a/b with c/d for non-negative a, c and positive b, d, exactly, by comparing the
// 128-bit products a*d and c*b. It is the hot comparison of the divisor methods and avoids big.Rat.
func cmpQuotients(a, b, c, d uint64) int {
	hi1, lo1 := bits.Mul64(a, d)
	hi2, lo2 := bits.Mul64(c, b)
	switch {
	case hi1 < hi2:
		return -1
	case hi1 > hi2:
		return 1
	case lo1 < lo2:
		return -1
	case lo1 > lo2:
		return 1
	}
	return 0
}

// atLeastPercent reports whether part/whole >= pct/100 (or > with strict), exactly.
func atLeastPercent(part, whole int64, pct *big.Rat, strict bool) bool {
	// part*100*den compared with num*whole, all in big integers: pct is any rational.
	lhs := new(big.Int).Mul(big.NewInt(part), big.NewInt(100))
	lhs.Mul(lhs, pct.Denom())
	rhs := new(big.Int).Mul(pct.Num(), big.NewInt(whole))
	c := lhs.Cmp(rhs)
	if strict {
		return c > 0
	}
	return c >= 0
}

// percentOf returns pct% of whole as an exact fraction, e.g. the number of votes a threshold requires.
func percentOf(pct *big.Rat, whole int64) Fraction {
	num := new(big.Int).Mul(pct.Num(), big.NewInt(whole))
	den := new(big.Int).Mul(pct.Denom(), big.NewInt(100))
	return newFraction(num, den)
}

// moreThanHalf reports whether part > whole/2, exactly.
func moreThanHalf(part, whole int64) bool {
	// 2*part can overflow an int64 near the limit; compare part with whole-part instead.
	return part > whole-part
}
