package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

var thresholds = []float64{0.40, 0.45, 0.50, 0.55, 0.60, 0.65}

type pair struct {
	a, b sample
	d    float64
}

// set is a named collection of pair distances.
type set struct {
	name  string
	pairs []pair
}

func (s *set) sorted() []float64 {
	ds := make([]float64, len(s.pairs))
	for i, p := range s.pairs {
		ds[i] = p.d
	}
	sort.Float64s(ds)
	return ds
}

// quantile interpolates linearly between the order statistics of sorted ds.
func quantile(ds []float64, q float64) float64 {
	if len(ds) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(ds)-1)
	i := int(math.Floor(pos))
	if i+1 >= len(ds) {
		return ds[len(ds)-1]
	}
	return ds[i] + (pos-float64(i))*(ds[i+1]-ds[i])
}

// countAbove counts distances > t (genuine pairs rejected at t);
// countAtMost counts distances ≤ t (impostor pairs accepted at t).
func countAbove(ds []float64, t float64) int {
	return len(ds) - sort.Search(len(ds), func(i int) bool { return ds[i] > t })
}

func countAtMost(ds []float64, t float64) int {
	return sort.Search(len(ds), func(i int) bool { return ds[i] > t })
}

func rate(k, n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f%% (%d/%d)", 100*float64(k)/float64(n), k, n)
}

func label(people []person, s sample) string {
	if s.variant < 0 {
		return people[s.person].name
	}
	return people[s.person].name + " (" + variants[s.variant].key + ")"
}

func report(w io.Writer, photos int, people []person, samples []sample, missed, skipped []string) {
	// The control variant only checks the cropping; it is not a degradation.
	var main []sample
	for _, s := range samples {
		if s.variant != 0 {
			main = append(main, s)
		}
	}
	genAll := set{name: "genuine, all"}
	genOrig := set{name: "genuine, original vs degraded"}
	genDeg := set{name: "genuine, degraded vs degraded"}
	impAll := set{name: "impostor, all"}
	impOrig := set{name: "impostor, original vs original"}
	for i := range main {
		for j := i + 1; j < len(main); j++ {
			a, b := main[i], main[j]
			p := pair{a, b, a.desc.Distance(b.desc)}
			switch {
			case a.person == b.person:
				genAll.pairs = append(genAll.pairs, p)
				if a.variant < 0 || b.variant < 0 {
					genOrig.pairs = append(genOrig.pairs, p)
				} else {
					genDeg.pairs = append(genDeg.pairs, p)
				}
			default:
				impAll.pairs = append(impAll.pairs, p)
				if a.variant < 0 && b.variant < 0 {
					impOrig.pairs = append(impOrig.pairs, p)
				}
			}
		}
	}

	fmt.Fprintf(w, "Data: %d photos, %d faces (one per person) with score ≥ %.1f and box width ≥ %.0f px, %d degraded copies each.\n",
		photos, len(people), minScore, minWidth, len(variants)-1)
	if len(skipped) > 0 {
		fmt.Fprintf(w, "Left out as boxes between two faces (more than a quarter inside a higher-scoring face's box): %s.\n",
			strings.Join(skipped, ", "))
	}
	low := 0
	for _, s := range samples {
		if s.variant >= 0 && s.score < opts.ScoreThreshold {
			low++
		}
	}
	fmt.Fprintf(w, "Copies re-detected only below score %.1f (searched down to %.1f at input size %d; still measured): %d of %d.\n",
		opts.ScoreThreshold, lowScore, opts.InputSize, low, len(people)*len(variants))
	if len(missed) == 0 {
		fmt.Fprintln(w, "Copies in which the face was not found at all: none.")
	} else {
		fmt.Fprintf(w, "Copies in which the face was not found at all, left out of the pairs: %s.\n", strings.Join(missed, ", "))
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "### Each degradation against the original")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Distance of each degraded copy to the same person's original, and the nearest other person's original.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| copy | found | score ≥ 0.5 | median | max | nearest other person (min) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	orig := make(map[int]sample)
	for _, s := range samples {
		if s.variant < 0 {
			orig[s.person] = s
		}
	}
	for v, vr := range variants {
		var same, other []float64
		scored := 0
		for _, s := range samples {
			if s.variant != v {
				continue
			}
			if s.score >= opts.ScoreThreshold {
				scored++
			}
			same = append(same, s.desc.Distance(orig[s.person].desc))
			for p, o := range orig {
				if p != s.person {
					other = append(other, s.desc.Distance(o.desc))
				}
			}
		}
		sort.Float64s(same)
		sort.Float64s(other)
		fmt.Fprintf(w, "| (%s) %s | %d/%d | %d/%d | %.3f | %.3f | %.3f |\n", vr.key, vr.name, len(same), len(people),
			scored, len(people), quantile(same, 0.5), quantile(same, 1), quantile(other, 0))
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "### Distance distributions")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| pairs | n | min | p1 | p5 | p25 | median | p75 | p95 | p99 | max |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, s := range []*set{&genAll, &genOrig, &genDeg, &impAll, &impOrig} {
		ds := s.sorted()
		fmt.Fprintf(w, "| %s | %d |", s.name, len(ds))
		for _, q := range []float64{0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1} {
			fmt.Fprintf(w, " %.3f |", quantile(ds, q))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "### Error rates by threshold")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "A pair matches when its distance is ≤ T. FNMR: genuine pairs farther than T; FMR: impostor pairs within T.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| T | FNMR, all genuine | FNMR, original vs degraded | FMR, all impostor | FMR, originals only |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	ga, go_, ia, io_ := genAll.sorted(), genOrig.sorted(), impAll.sorted(), impOrig.sorted()
	for _, t := range thresholds {
		fmt.Fprintf(w, "| %.2f | %s | %s | %s | %s |\n", t,
			rate(countAbove(ga, t), len(ga)), rate(countAbove(go_, t), len(go_)),
			rate(countAtMost(ia, t), len(ia)), rate(countAtMost(io_, t), len(io_)))
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "### Extremes")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| farthest genuine pairs | distance | closest impostor pairs | distance |")
	fmt.Fprintln(w, "|---|---|---|---|")
	far := append([]pair(nil), genAll.pairs...)
	sort.SliceStable(far, func(i, j int) bool { return far[i].d > far[j].d })
	near := append([]pair(nil), impAll.pairs...)
	sort.SliceStable(near, func(i, j int) bool { return near[i].d < near[j].d })
	for i := 0; i < 5 && i < len(far) && i < len(near); i++ {
		fmt.Fprintf(w, "| %s – %s | %.3f | %s – %s | %.3f |\n",
			label(people, far[i].a), label(people, far[i].b), far[i].d,
			label(people, near[i].a), label(people, near[i].b), near[i].d)
	}
	fmt.Fprintln(w)
}
