package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The catalogs hold every string of the site in Kazakh, Russian and English,
// one JSON file per language. A message with plural forms lists the CLDR
// categories its language needs (Kazakh and English: one, other; Russian:
// one, few, many, other), and go-i18n picks the form by CLDR's plural rules.
//
//go:embed locales/*.json
var catalogs embed.FS

// catalog is the loaded bundle with, per language, the message ids it
// defines, so that a test can check that no language lacks a message.
type catalog struct {
	bundle *i18n.Bundle
	ids    map[string]map[string]bool
}

func loadCatalog() (*catalog, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &catalog{bundle: b, ids: map[string]map[string]bool{}}
	for _, lang := range dauys.Languages {
		// A language's messages are its file and the files named
		// <part>.<lang>.json beside it, one per part of the site
		// (day.kk.json: polling day).
		parts, err := fs.Glob(catalogs, "locales/*."+lang+".json")
		if err != nil {
			return nil, err
		}
		c.ids[lang] = map[string]bool{}
		for _, name := range append([]string{"locales/" + lang + ".json"}, parts...) {
			f, err := b.LoadMessageFileFS(catalogs, name)
			if err != nil {
				return nil, fmt.Errorf("web: catalog %s: %w", name, err)
			}
			for _, m := range f.Messages {
				c.ids[lang][m.ID] = true
			}
		}
	}
	return c, nil
}

// locale formats everything a page says in one language: messages from
// the catalog, numbers, percentages, dates and the names of the
// definition.
type locale struct {
	Lang  string
	style numberStyle
	loc   *i18n.Localizer
	zone  *time.Location
	// missing records message ids that failed to localize; tests require
	// it to stay empty.
	missing func(lang, id string, err error)

	mu    sync.RWMutex
	plain map[string]string
	// moments remembers DateTime's answers: an export writes the same
	// arrival times on thousands of pages, and each costs a localized
	// message. Bounded, as the live site's times keep coming.
	moments map[int64]string
}

// maxMoments bounds locale.moments.
const maxMoments = 4096

func newLocale(c *catalog, lang string, zone *time.Location, missing func(lang, id string, err error)) *locale {
	return &locale{Lang: lang, style: styleOf(lang), loc: i18n.NewLocalizer(c.bundle, lang), zone: zone,
		missing: missing, plain: map[string]string{}, moments: map[int64]string{}}
}

// T returns the message id in the locale's language. Arguments come in
// pairs, name then value; integers are formatted as numbers, and an
// argument named Count also chooses the plural form.
func (l *locale) T(id string, args ...any) string {
	if len(args) == 0 {
		l.mu.RLock()
		s, ok := l.plain[id]
		l.mu.RUnlock()
		if ok {
			return s
		}
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			v := args[i+1]
			if name == "Count" {
				cfg.PluralCount = v
			}
			data[name] = l.arg(v)
		}
		cfg.TemplateData = data
	}
	s, err := l.loc.Localize(cfg)
	if err != nil {
		if l.missing != nil {
			l.missing(l.Lang, id, err)
		}
		if s == "" {
			s = id
		}
	}
	if len(args) == 0 {
		l.mu.Lock()
		l.plain[id] = s
		l.mu.Unlock()
	}
	return s
}

func (l *locale) arg(v any) any {
	switch n := v.(type) {
	case int:
		return l.style.formatInt(int64(n))
	case int64:
		return l.style.formatInt(n)
	case dauys.Text:
		return n.In(l.Lang)
	}
	return v
}

// N formats an integer: "1 234 567" in Kazakh and Russian, "1,234,567" in
// English.
func (l *locale) N(n any) string {
	switch v := n.(type) {
	case int:
		return l.style.formatInt(int64(v))
	case int64:
		return l.style.formatInt(v)
	case string:
		return l.style.formatDecimal(v)
	}
	return fmt.Sprint(n)
}

// Pct formats num/den as a percentage as the CEC publishes it, rounded
// half up to the hundredth by decide.Percent (the one rounding of a share
// on every surface), or a dash when den is zero.
func (l *locale) Pct(num, den int64) string { return l.PctOf(decide.Percent(num, den)) }

// PctD formats num/den as a percentage with digits decimals (1 or 0): for
// the progress of the count and the forensic bins only, never for a share
// of votes, which Pct shows.
func (l *locale) PctD(num, den int64, digits int) string {
	d := ratio(num, den, 100, digits)
	if d == "" {
		return "–"
	}
	return l.style.formatDecimal(d) + l.style.percent
}

// PctOf formats a percentage the rules engine already rounded to the
// hundredth (Fraction.PercentHundredths, decide.Percent) as it is, without
// rounding it again, or a dash for "n/a".
func (l *locale) PctOf(hundredths string) string {
	if !isDecimal(hundredths) {
		return "–"
	}
	return l.style.formatDecimal(hundredths) + l.style.percent
}

// Dec formats a decimal string of the rules engine rounded to digits.
func (l *locale) Dec(decimal string, digits int) string {
	d := roundDecimal(decimal, digits)
	if d == "" {
		return "–"
	}
	return l.style.formatDecimal(d)
}

// DecTrim is Dec without trailing zeros: "851" rather than "851.000000".
func (l *locale) DecTrim(decimal string, digits int) string {
	d := roundDecimal(decimal, digits)
	if d == "" {
		return "–"
	}
	if strings.Contains(d, ".") {
		d = strings.TrimRight(strings.TrimRight(d, "0"), ".")
	}
	return l.style.formatDecimal(d)
}

// PctRat formats a percentage given as an exact decimal string ("5",
// "7.5") without rounding, as the law states it.
func (l *locale) PctRat(p string) string {
	return l.style.formatDecimal(p) + l.style.percent
}

// Name returns a definition's name in the locale's language.
func (l *locale) Name(t dauys.Text) string { return t.In(l.Lang) }

// Time formats the clock time in the site's zone: "21:05".
func (l *locale) Time(t time.Time) string { return t.In(l.zone).Format("15:04") }

// Date formats a day in words: "19 March 2023", "19 марта 2023 г.",
// "2023 жылғы 19 наурыз".
func (l *locale) Date(t time.Time) string {
	return l.T("DateLong", "Day", strconv.Itoa(t.Day()), "Month", l.T("MonthOf"+strconv.Itoa(int(t.Month()))), "Year", strconv.Itoa(t.Year()))
}

// DateTime formats a moment in the site's zone with its UTC offset.
func (l *locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	key := t.UnixNano()
	l.mu.RLock()
	s, ok := l.moments[key]
	l.mu.RUnlock()
	if ok {
		return s
	}
	t = t.In(l.zone)
	s = l.T("DateTime", "Date", l.Date(t), "Time", t.Format("15:04:05"), "Zone", zoneName(t))
	l.mu.Lock()
	if len(l.moments) < maxMoments {
		l.moments[key] = s
	}
	l.mu.Unlock()
	return s
}

// PollingDay formats a definition's YYYY-MM-DD date.
func (l *locale) PollingDay(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return l.Date(t)
}

// zoneName writes the offset of t as "UTC+5", which reads the same in the
// three languages.
func zoneName(t time.Time) string {
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "−", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if m := off % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}

// languageNames are the names of the languages in themselves, for the
// switcher.
var languageNames = map[string]string{"kk": "Қазақша", "ru": "Русский", "en": "English"}

// missingMessages collects the messages that failed to localize.
type missingMessages struct {
	mu   sync.Mutex
	seen map[string]string
}

func (m *missingMessages) add(lang, id string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]string{}
	}
	m.seen[lang+":"+id] = err.Error()
}

func (m *missingMessages) list() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k, v := range m.seen {
		out = append(out, k+": "+v)
	}
	sort.Strings(out)
	return out
}

// isDecimal reports whether s is a decimal number as the rules engine
// writes shares: an optional minus, digits, and a point followed by digits.
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, point := strings.Cut(s, ".")
	if whole == "" || point && frac == "" {
		return false
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}
