package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"time"
)

// TestLineRowsAsTemplate: the rows of a protocol's table written in Go are
// the bytes the template wrote, for names, titles and values that need
// escaping.
func TestLineRowsAsTemplate(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	// The row as page-precinct.html wrote it before lineRows.
	tmpl := template.Must(template.New("").Parse(`{{$L := .L}}<table><tbody>{{range .Lines}}<tr data-line="{{.Name}}"{{if .Changed}} class="changed"{{end}}><th scope="row">{{.Title}}{{if .Changed}} <span class="mark mark-amended">{{$L.T "LineAmended"}}</span>{{end}}</th><td class="num" data-k="line">{{.Value}}</td></tr>{{end}}</tbody></table>`))
	lines := []lineView{
		{Name: "registered", Title: "Voters on the list", Value: "1,992"},
		{Name: "option:a+b&c", Title: `O'Brien & "Sons" <Ltd> +1` + "\x00 «Ақ жол» ‹›", Value: "1 234", Changed: true},
		{Name: `x"y'z<>`, Title: "", Value: "–"},
	}
	for _, lang := range []string{"kk", "ru", "en"} {
		L := newLocale(c, lang, time.UTC, nil)
		var b bytes.Buffer
		if err := tmpl.Execute(&b, map[string]any{"L": L, "Lines": lines}); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(strings.TrimPrefix(b.String(), "<table><tbody>"), "</tbody></table>")
		if got := string((&renderCtx{L: L}).lineRows(lines)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", lang, got, want)
		}
	}
}
