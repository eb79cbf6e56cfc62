package web_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/rules"
)

var membersRE = regexp.MustCompile(`(?s)<section class="card" id="members".*?</section>`)

// TestSeatMembersPage: the contest page of a list shows, in kk/ru/en, who takes each party's seats once a
// party has named them (with its decision and the list's invented mark), that a party with seats has not
// named anyone yet, and nothing of the kind before the first decision.
func TestSeatMembersPage(t *testing.T) {
	fx := mustFixture(t, nil)
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("testdata", "fixture", "fx-seats.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	def, err := definition.ParseWith(data, "fx-seats.yaml", nil, definition.Options{CheckRules: rules.Check, CheckLists: rules.CheckLists})
	if err != nil {
		t.Fatal(err)
	}
	def.CreatedAt = fixedNow
	if err := fx.store.CreateElection(ctx, def); err != nil {
		t.Fatal(err)
	}
	fx.clock.Set(time.Date(2023, 3, 19, 15, 0, 0, 0, time.UTC))
	fx.submit(t, "fx-seats",
		sub("list", "P1", "registered=3000 took_part=2550 invalid=50 against_all=100 option:amanat=1500 option:akzhol=900"),
		sub("smd-1", "P1", "registered=3000 took_part=2550 invalid=150 against_all=200 option:c1=1200 option:c2=1000"))
	fx.clock.Set(fixedNow)
	h := fx.site.Handler()

	if body := get(t, h, "/en/e/fx-seats/c/list.html").Body.String(); strings.Contains(body, `id="members"`) {
		t.Errorf("the members section is shown before any decision")
	}
	if err := fx.store.AssignSeats(ctx, &dauys.SeatAssignment{Election: "fx-seats", Contest: "list", Party: "amanat",
		Candidates: []int{2, 3, 5}, Decision: "Bureau decision No. 2 of 2023-03-29", At: fixedNow}); err != nil {
		t.Fatal(err)
	}
	// The pages are rendered once per change: a new clock second makes sure the decision is read.
	fx.clock.Set(fixedNow.Add(time.Minute))
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Who takes the seats", "2. Aigul Seitkali", "3. Dias Abenov", "5. Zhanna Karimova",
			"Bureau decision No. 2 of 2023-03-29", "The party has not yet named who takes its seats.", "This list is invented"}},
		{"ru", []string{"Кто получает мандаты", "2. Айгуль Сейткали", "3 мандата", "Решение партии: Bureau decision No. 2 of 2023-03-29",
			"Партия ещё не назвала", "Этот список выдуман"}},
		{"kk", []string{"Мандаттарды кімдер алады", "2. Айгүл Сейтқали", "Партия шешімі:", "әлі атаған жоқ", "ойдан құрастырылған"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			rec := get(t, h, "/"+tc.lang+"/e/fx-seats/c/list.html")
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			section := membersRE.FindString(rec.Body.String())
			for _, w := range tc.want {
				if !strings.Contains(section, w) {
					t.Errorf("members section lacks %q:\n%s", w, section)
				}
			}
			golden(t, "members-"+tc.lang+".html", []byte(section+"\n"))
		})
	}
	if m := fx.site.MissingMessages(); len(m) > 0 {
		t.Errorf("messages missing from the catalogs:\n%s", strings.Join(m, "\n"))
	}
}
