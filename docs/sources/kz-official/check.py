#!/usr/bin/env python3
"""Recompute the published percentages of national.csv to the hundredth and check the sums.

Bases: registered -> turnout; took_part -> referendum options; valid = sum(options)+against_all for elections.
Rounding: half-up at the second decimal, on exact fractions. Prints every line; exits 1 on a mismatch.
"""
import csv, sys
from collections import defaultdict
from fractions import Fraction

def pct(n, d):
    q = Fraction(200 * n, d)  # twice the percentage
    whole = (int(q * 100) + 1) // 2  # round half up, hundredths
    return whole / 100

rows = list(csv.DictReader(open(__file__.rsplit('/', 1)[0] + '/national.csv')))
ev = defaultdict(dict)
for r in rows:
    ev[r['event']][r['line']] = r
bad = 0
for e, L in ev.items():
    v = {k: int(r['value']) for k, r in L.items()}
    opts = [k for k in v if k.startswith('option:') or k in ('yes', 'no', 'both_marked', 'invalid', 'both_marked_or_unofficial')]
    if e.startswith('kz-ref'):
        s = sum(v[k] for k in ('yes', 'no', 'both_marked', 'invalid', 'both_marked_or_unofficial') if k in v)
        print(f"{e}: sum(categories)={s} took_part={v['took_part']} {'OK' if s == v['took_part'] else 'MISMATCH'}")
        bad += s != v['took_part']
        bases = {'registered': v['registered'], 'took_part': v['took_part']}
    else:
        valid = sum(v[k] for k in v if k.startswith('option:')) + v.get('against_all', 0)
        if 'valid' in v:
            print(f"{e}: sum(options)+against_all={valid} published valid={v['valid']} {'OK' if valid == v['valid'] else 'MISMATCH'}")
            bad += valid != v['valid']
        bases = {'registered': v['registered'], 'valid': valid, 'took_part': v.get('took_part')}
    for k, r in L.items():
        if r['published_pct']:
            got = pct(int(r['value']), bases[r['pct_base']])
            ok = abs(got - float(r['published_pct'])) < 1e-9
            bad += not ok
            print(f"  {k:28s} {r['value']:>10s} / {r['pct_base']:10s} = {got:6.2f}  published {r['published_pct']:>6s}  {'OK' if ok else 'MISMATCH'}")
sys.exit(1 if bad else 0)
