package pdf417

import (
	"slices"
	"sort"
)

// assemble turns the codeword reads into the symbol: the row indicators vote for the
// column count, error correction level and row count; every other read votes for its
// cell; cells without a clear winner are erasures.
func assemble(all []obs, loose [][]obs) ([]byte, error) {
	var cols, ec, upper, lower [32]int
	maxRow := -1
	rowSeen := map[int]int{}
	for _, o := range all {
		rowSeen[o.row]++
		if o.slot != 0 {
			continue
		}
		v := int(o.w.value) % 30
		kind := int(o.w.cluster)
		if o.right {
			kind = (kind + 2) % 3 // the right indicator's fields are rotated by one cluster
		}
		switch kind {
		case 0:
			upper[v]++
		case 1:
			ec[min(v/3, 8)]++
			lower[v%3]++
		case 2:
			cols[v]++
		}
	}
	// The last row seen by a fair share of the reads (stray reads anchored on a misread
	// indicator land anywhere).
	for r, n := range rowSeen {
		if 4*len(rowSeen)*n >= len(all) && r > maxRow {
			maxRow = r
		}
	}
	nc, cVotes := argmax(cols[:])
	level, eVotes := argmax(ec[:])
	nc++
	// A symbol's indicators agree; stray reads in noise or print scatter their votes.
	if cVotes < 6 || eVotes < 4 || maxRow < 0 || 2*cVotes <= sum(cols[:]) || 2*eVotes <= sum(ec[:]) {
		return nil, ErrNotFound
	}

	// Row count candidates, most voted first, and the count of rows actually seen.
	// Encoders do not all agree on the row count part of the indicators (one writes
	// (rows−3)/3 on the left where the right has (rows−1)/3), so a few are tried:
	// error correction, with the length descriptor, tells the right one.
	votes := map[int]int{maxRow + 1: 0}
	for u, nu := range upper {
		for l, nl := range lower[:3] {
			if r := 3*u + l + 1; nu > 0 && nl > 0 && r >= 2 && r <= 90 {
				votes[r] = max(votes[r], nu+nl)
			}
		}
	}
	cands := make([]int, 0, len(votes))
	for r := range votes {
		cands = append(cands, r)
	}
	sort.Slice(cands, func(i, j int) bool {
		if votes[cands[i]] != votes[cands[j]] {
			return votes[cands[i]] > votes[cands[j]]
		}
		return cands[i] < cands[j]
	})
	if len(cands) > 4 {
		cands = cands[:4]
		if !slices.Contains(cands, maxRow+1) {
			cands[3] = maxRow + 1
		}
	}
	err := ErrChecksum
	for _, rows := range cands {
		if rows < 2 {
			continue
		}
		var msg []byte
		if msg, err = grid(all, loose, rows, nc, level); err == nil {
			return msg, nil
		}
	}
	return nil, err
}

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

func argmax(v []int) (int, int) {
	bi := 0
	for i := range v {
		if v[i] > v[bi] {
			bi = i
		}
	}
	return bi, v[bi]
}

// grid places the reads in a rows × cols grid of data codewords, corrects it and
// decodes the message. Readings without a row indicator are placed where they agree
// best with the anchored ones.
func grid(all []obs, loose [][]obs, rows, cols, level int) ([]byte, error) {
	n := rows * cols
	k := 2 << level
	if n <= k+1 || n > 928 {
		return nil, ErrChecksum
	}
	cell := func(o obs, row int) int {
		col := o.slot
		if o.right {
			col = cols + 1 - o.slot
		}
		if col < 1 || col > cols || row < 0 || row >= rows {
			return -1
		}
		return row*cols + col - 1
	}
	votes := map[int]int{} // cell*1000 + value → weighted reads
	for _, o := range all {
		if c := cell(o, o.row); c >= 0 {
			votes[c*1000+int(o.w.value)] += int(o.w.weight)
		}
	}
	best, second := tally(votes, n)
	var extra []int
	for _, line := range loose {
		// Offsets keep each row's cluster, so they go in steps of 3, over those that
		// put some of the line inside the grid.
		lo, hi := line[0].row, line[0].row
		for _, o := range line {
			lo, hi = min(lo, o.row), max(hi, o.row)
		}
		bestOff, bestHits, runnerUp := 0, 0, 0
		for off := -(hi+90)/3*3 + 90; off <= rows-1-lo; off += 3 {
			hits := 0
			for _, o := range line {
				if c := cell(o, o.row+off); c >= 0 && best[c][1] > second[c] && best[c][0] == int(o.w.value) {
					hits++
				}
			}
			if hits > bestHits {
				bestOff, bestHits, runnerUp = off, hits, bestHits
			} else if hits > runnerUp {
				runnerUp = hits
			}
		}
		if bestHits >= 2 && runnerUp == 0 {
			for _, o := range line {
				if c := cell(o, o.row+bestOff); c >= 0 {
					extra = append(extra, c*1000+int(o.w.value), int(o.w.weight))
				}
			}
		}
	}
	if len(extra) > 0 {
		for i := 0; i < len(extra); i += 2 {
			votes[extra[i]] += extra[i+1]
		}
		best, second = tally(votes, n)
	}
	cw := make([]int, n)
	var erasures []int
	for i, b := range best {
		if b[1] == 0 || b[1] <= second[i] {
			erasures = append(erasures, i)
			continue
		}
		cw[i] = b[0]
	}
	if e, ok := correct(cw, k, erasures); !ok || !trusted(n, k, len(erasures), e) {
		return nil, ErrChecksum
	}
	length := cw[0]
	if length < 1 || length > n-k {
		return nil, ErrChecksum
	}
	return message(cw[1:length])
}

// tally finds each cell's most voted value with its votes, and the runner-up's votes.
func tally(votes map[int]int, n int) ([][2]int, []int) {
	best := make([][2]int, n)
	second := make([]int, n)
	for key, c := range votes {
		i, v := key/1000, key%1000
		switch {
		case c > best[i][1]:
			second[i] = best[i][1]
			best[i] = [2]int{v, c}
		case c > second[i]:
			second[i] = c
		}
	}
	return best, second
}
