package web

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
)

// numberStyle is how a language writes numbers, after CLDR: Kazakh and
// Russian group thousands with a no-break space and use a decimal comma
// ("1 234 567", "53,41"); English uses commas and a decimal point. A percent
// sign follows the number directly in Kazakh and English and after a
// no-break space in Russian (CLDR's percent patterns "#,##0%" and
// "#,##0 %").
type numberStyle struct {
	group, decimal, percent string
}

const nbsp = "\u00a0"

var numberStyles = map[string]numberStyle{
	"kk": {group: nbsp, decimal: ",", percent: "%"},
	"ru": {group: nbsp, decimal: ",", percent: nbsp + "%"},
	"en": {group: ",", decimal: ".", percent: "%"},
}

func styleOf(lang string) numberStyle {
	if s, ok := numberStyles[lang]; ok {
		return s
	}
	return numberStyles["en"]
}

// formatInt writes an integer with thousands grouped. Numbers of four
// digits are grouped too ("1 234"), as the CEC's tables do.
func (s numberStyle) formatInt(n int64) string {
	return s.formatDecimal(strconv.FormatInt(n, 10))
}

// formatDecimal regroups a decimal number written with a point, such as
// the decimals of the rules engine ("98372.507246").
func (s numberStyle) formatDecimal(d string) string {
	neg := strings.HasPrefix(d, "-")
	d = strings.TrimPrefix(d, "-")
	intPart, frac, hasFrac := strings.Cut(d, ".")
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	b.WriteString(dauys.GroupDigits(intPart, s.group))
	if hasFrac {
		b.WriteString(s.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// ratio returns num/den rounded to digits places as a decimal string with a
// point, or "" when den is zero. Shares are computed exactly and rounded
// only here, for display.
func ratio(num, den int64, scale int64, digits int) string {
	if den == 0 {
		return ""
	}
	return decide.Ratio(num, den, scale, digits)
}

// roundDecimal rounds a decimal string such as "53.4121" to digits places;
// it returns "" for anything that is not a number (the engine writes "n/a"
// for a share of nothing).
func roundDecimal(d string, digits int) string {
	r, ok := new(big.Rat).SetString(d)
	if !ok {
		return ""
	}
	return r.FloatString(digits)
}

// pctFloat returns num/den in percent as a float, for drawing only.
func pctFloat(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	return 100 * float64(num) / float64(den)
}
