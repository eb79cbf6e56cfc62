package forensics

import (
	"math"
	"math/rand/v2"
)

// binomialSampler draws from Binomial(n, p) for one fixed (n, p) pair.
//
// The Monte Carlo null of the integer-percentage test draws two binomial
// variates per precinct per replicate: about 170 million draws for a national
// election. gonum's distuv.Binomial allocates a generator on every call and
// costs several hundred nanoseconds per draw, so we use the exact algorithms
// numpy uses for the same job instead: inversion when n·min(p,1-p) <= 30 and
// BTPE (Kachitvichyanukul & Schmeiser, "Binomial random variate generation",
// Communications of the ACM 31(2), 1988) otherwise. Both are exact rejection or
// inversion methods, not normal approximations; the only approximation is the
// 53-bit resolution of the uniform variates. The set-up constants depend only on
// (n, p), so they are computed once per precinct and reused for every replicate.
type binomialSampler struct {
	n     int64
	kind  samplerKind
	flip  bool  // p > 1/2: draw with 1-p and return n - y
	fixed int64 // result for the degenerate cases p = 0 and p = 1

	// Inversion.
	qn, pr, qr, bound float64

	// BTPE.
	r, q, fm, xm, xl, xr, c, laml, lamr, p1, p2, p3, p4, nrq, s, a float64
	m                                                              int64

	// ratio[ratioReach+d] = f(m+d)/f(m) for d in [ratioLo, ratioHi], the
	// explicit acceptance bound of step 50. BTPE evaluates it with a loop of
	// up to 20 divisions per candidate, which dominated the Monte Carlo;
	// since every precinct draws 2000 variates from one (n, p), tabulating it
	// once costs 40 operations and saves that loop on every draw.
	ratio            [2*ratioReach + 1]float64
	ratioLo, ratioHi int64
}

const ratioReach = 20

type samplerKind uint8

const (
	samplerFixed samplerKind = iota
	samplerInversion
	samplerBTPE
)

// newBinomialSampler prepares a sampler for Binomial(n, k/n), the binomial
// resampling of an observed count k out of n. It requires 0 <= k <= n.
func newBinomialSampler(n, k int64) binomialSampler {
	switch {
	case k <= 0 || n <= 0:
		return binomialSampler{n: n, kind: samplerFixed, fixed: 0}
	case k >= n:
		return binomialSampler{n: n, kind: samplerFixed, fixed: n}
	}
	p := float64(k) / float64(n)
	return newBinomialSamplerP(n, p)
}

// newBinomialSamplerP prepares a sampler for Binomial(n, p) with 0 < p < 1.
func newBinomialSamplerP(n int64, p float64) binomialSampler {
	b := binomialSampler{n: n}
	if p > 0.5 {
		b.flip = true
		p = 1 - p
	}
	fn := float64(n)
	if fn*p <= 30 {
		b.kind = samplerInversion
		b.pr = p
		b.qr = 1 - p
		b.qn = math.Exp(fn * math.Log(b.qr))
		np := fn * p
		b.bound = math.Min(fn, np+10*math.Sqrt(np*b.qr+1))
		return b
	}
	b.kind = samplerBTPE
	r := p
	q := 1 - r
	fm := fn*r + r
	m := math.Floor(fm)
	p1 := math.Floor(2.195*math.Sqrt(fn*r*q)-4.6*q) + 0.5
	xm := m + 0.5
	xl := xm - p1
	xr := xm + p1
	c := 0.134 + 20.5/(15.3+m)
	a := (fm - xl) / (fm - xl*r)
	laml := a * (1 + a/2)
	a = (xr - fm) / (xr * q)
	lamr := a * (1 + a/2)
	p2 := p1 * (1 + 2*c)
	p3 := p2 + c/laml
	p4 := p3 + c/lamr
	b.r, b.q, b.fm, b.xm, b.xl, b.xr, b.c = r, q, fm, xm, xl, xr, c
	b.laml, b.lamr, b.p1, b.p2, b.p3, b.p4 = laml, lamr, p1, p2, p3, p4
	b.nrq = fn * r * q
	b.s = r / q
	b.a = b.s * (fn + 1)
	b.m = int64(m)
	b.ratio[ratioReach] = 1
	f := 1.0
	for d := int64(1); d <= ratioReach && b.m+d <= n; d++ {
		f *= b.a/float64(b.m+d) - b.s
		b.ratio[ratioReach+d] = f
		b.ratioHi = d
	}
	f = 1.0
	for d := int64(1); d <= ratioReach && b.m-d >= 0; d++ {
		f /= b.a/float64(b.m-d+1) - b.s
		b.ratio[ratioReach-d] = f
		b.ratioLo = -d
	}
	return b
}

// uniform returns a float64 uniformly distributed in [0, 1) with 53 random
// bits. It reads the PCG directly rather than through rand.Rand to avoid an
// interface call in the innermost loop.
func uniform(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) * 0x1p-53
}

// draw returns one Binomial(n, p) variate.
func (b *binomialSampler) draw(src *rand.PCG) int64 {
	var y int64
	switch b.kind {
	case samplerFixed:
		return b.fixed
	case samplerInversion:
		y = b.inversion(src)
	default:
		y = b.btpe(src)
	}
	if b.flip {
		return b.n - y
	}
	return y
}

// inversion walks the cumulative distribution from zero. It is exact and fast
// when the mean is small; the bound guards against the rare uniform that lands
// in the far tail through rounding, as in numpy's legacy implementation.
func (b *binomialSampler) inversion(src *rand.PCG) int64 {
	x := int64(0)
	px := b.qn
	u := uniform(src)
	for u > px {
		x++
		if float64(x) > b.bound {
			x = 0
			px = b.qn
			u = uniform(src)
			continue
		}
		u -= px
		px = (float64(b.n-x+1) * b.pr * px) / (float64(x) * b.qr)
	}
	return x
}

// btpe is the BTPE algorithm of Kachitvichyanukul & Schmeiser (1988), step
// numbers as in the paper: a triangular, parallelogram and two exponential
// regions majorise the density, with a squeeze and an exact acceptance test
// based on Stirling's formula.
func (b *binomialSampler) btpe(src *rand.PCG) int64 {
	n := b.n
	fn := float64(n)
	for {
		// Step 10: choose a region.
		u := uniform(src) * b.p4
		v := uniform(src)
		var y int64
		if u <= b.p1 {
			// The triangular region accepts immediately.
			return int64(math.Floor(b.xm - b.p1*v + u))
		}
		switch {
		case u <= b.p2:
			// Step 20: parallelogram.
			x := b.xl + (u-b.p1)/b.c
			v = v*b.c + 1 - math.Abs(float64(b.m)-x+0.5)/b.p1
			if v > 1 {
				continue
			}
			y = int64(math.Floor(x))
		case u <= b.p3:
			// Step 30: left exponential tail.
			yf := math.Floor(b.xl + math.Log(v)/b.laml)
			if yf < 0 {
				continue
			}
			y = int64(yf)
			v = v * (u - b.p2) * b.laml
		default:
			// Step 40: right exponential tail.
			yf := math.Floor(b.xr - math.Log(v)/b.lamr)
			if yf > fn {
				continue
			}
			y = int64(yf)
			v = v * (u - b.p3) * b.lamr
		}

		// Step 50: acceptance test.
		k := y - b.m
		if k < 0 {
			k = -k
		}
		if k <= 20 || float64(k) >= b.nrq/2-1 {
			// Explicit evaluation of f(y)/f(m): from the table when it
			// covers y, otherwise by the recurrence.
			f := 1.0
			if d := y - b.m; d >= b.ratioLo && d <= b.ratioHi {
				f = b.ratio[ratioReach+d]
			} else if b.m < y {
				for i := b.m + 1; i <= y; i++ {
					f *= b.a/float64(i) - b.s
				}
			} else if b.m > y {
				for i := y + 1; i <= b.m; i++ {
					f /= b.a/float64(i) - b.s
				}
			}
			if v <= f {
				return y
			}
			continue
		}

		// Step 52: squeeze using upper and lower bounds on log(f(y)).
		fk := float64(k)
		rho := (fk / b.nrq) * ((fk*(fk/3+0.625)+0.16666666666666666)/b.nrq + 0.5)
		t := -fk * fk / (2 * b.nrq)
		av := math.Log(v)
		if av < t-rho {
			return y
		}
		if av > t+rho {
			continue
		}

		// Step 53: final acceptance with Stirling's approximation.
		x1 := float64(y + 1)
		f1 := float64(b.m + 1)
		z := fn + 1 - float64(b.m)
		w := fn - float64(y) + 1
		x2, f2, z2, w2 := x1*x1, f1*f1, z*z, w*w
		bound := b.xm*math.Log(f1/x1) +
			(fn-float64(b.m)+0.5)*math.Log(z/w) +
			float64(y-b.m)*math.Log(w*b.r/(x1*b.q)) +
			stirlingTail(f1, f2) + stirlingTail(z, z2) + stirlingTail(x1, x2) + stirlingTail(w, w2)
		if av > bound {
			continue
		}
		return y
	}
}

// stirlingTail is the correction term of Stirling's series used by step 53.
func stirlingTail(x, x2 float64) float64 {
	return (13680 - (462-(132-(99-140/x2)/x2)/x2)/x2) / x / 166320
}
