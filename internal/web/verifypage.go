package web

// The verification page: how anyone checks the count of an election with
// the CEC's public key alone (docs/verification.md, as a page of the site
// in the reader's language), with the command to copy.

type verifyPage struct {
	basePage
	Log *logView
	// Command is the whole dauys verify command for this election, to
	// copy; Where says whether its address is this site's (live) or a
	// placeholder for the address of the published copy.
	Command string
	Install string
}

func (rc *renderCtx) verify() (*verifyPage, error) {
	p := &verifyPage{basePage: rc.base(rc.L.T("VerifyTitle"), []link{{Text: rc.areaName(rc.e.Tree.Area(rc.e.Tree.Root())), Href: rc.overviewHref()}}),
		Install: "go install github.com/dauys/dauys/cmd/dauys@latest"}
	lv, err := rc.logView()
	if err != nil {
		return nil, err
	}
	p.Log = lv
	if lv != nil {
		p.Command = lv.Command
	}
	return p, nil
}

// verifyCommand is the dauys verify command of an election's log: with
// this site's address when the server knows it, else with a placeholder.
func (rc *renderCtx) verifyCommand(vkey string) string {
	where := rc.s.cfg.PublicURL
	if where == "" || rc.opts.static {
		where = "URL"
	}
	return "dauys verify --key " + vkey + " --election " + rc.e.ID + " " + where
}
