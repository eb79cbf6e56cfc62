package dauys

// Languages lists the languages of the user interface in the order they are
// offered: Kazakh first, as the state language.
var Languages = []string{"kk", "ru", "en"}

// Text is a name or message in the three languages of Dauys.
type Text struct {
	KK string `json:"kk,omitempty" yaml:"kk,omitempty"`
	RU string `json:"ru,omitempty" yaml:"ru,omitempty"`
	EN string `json:"en,omitempty" yaml:"en,omitempty"`
}

// T returns a Text with the same string in every language, for names that
// are not translated (numbers, proper names given once).
func T(s string) Text { return Text{KK: s, RU: s, EN: s} }

// In returns the text in lang, falling back to Russian, Kazakh and English,
// in that order, when the language is missing.
func (t Text) In(lang string) string {
	var s string
	switch lang {
	case "kk":
		s = t.KK
	case "ru":
		s = t.RU
	case "en":
		s = t.EN
	}
	for _, f := range []string{s, t.RU, t.KK, t.EN} {
		if f != "" {
			return f
		}
	}
	return ""
}

// IsZero reports whether no language is set.
func (t Text) IsZero() bool { return t.KK == "" && t.RU == "" && t.EN == "" }
