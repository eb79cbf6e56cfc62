package decide

// Decide applies the rules to the counts and returns the outcome with its explanation. It validates both
// first; an error is always an *Error. Decide has no side effects and returns the same outcome for the
// same rules and input, the lot included.
func Decide(r Rules, in Input) (*Outcome, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if err := in.validate(r.Kind); err != nil {
		return nil, err
	}
	order := newTieOrder(r, in.Options)
	var (
		o   *Outcome
		err error
	)
	switch r.Kind {
	case KindList:
		o, err = decideList(r, in, order)
	case KindPlurality:
		o, err = decidePlurality(r, in, order)
	case KindMajority:
		o, err = decideMajority(r, in, order)
	default: // KindReferendum; Validate rejected anything else
		o, err = decideReferendum(r, in)
	}
	if err != nil {
		return nil, err
	}
	explainBases(r, in, o)
	if o.Ties == nil && r.Kind != KindReferendum {
		o.Ties = []Tie{}
	}
	return o, nil
}
