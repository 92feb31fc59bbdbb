package faults

import (
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// What the attack-surface tests measure while an attack runs: the server's memory and
// how long a bystander waits.

// procStatusKB reads one "Name: N kB" line of the server's /proc status, 0 if unknown.
func procStatusKB(p *proc, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// loadAvg is the machine's one-minute load average, for reading latencies: the tests
// share a few cores with whatever else runs.
func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// rssWatch samples the server's resident memory. Past killAt it SIGKILLs the server:
// an unbounded server must fail the test, not take the shared machine down with it.
type rssWatch struct {
	stop   chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	peak   int64 // bytes, sampled VmRSS
	killed bool
}

func watchRSS(p *proc, killAt int64) *rssWatch {
	w := &rssWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			rss := procStatusKB(p, "VmRSS") << 10
			w.mu.Lock()
			w.peak = max(w.peak, rss)
			w.mu.Unlock()
			if rss > killAt {
				w.mu.Lock()
				w.killed = true
				w.mu.Unlock()
				_ = p.cmd.Process.Signal(syscall.SIGKILL)
				return
			}
			select {
			case <-w.stop:
				return
			case <-p.done:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// finish stops sampling and returns the peak: the larger of the samples and the
// kernel's own high-water mark, which catches spikes between samples.
func (w *rssWatch) finish(p *proc) (peak int64, killed bool) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return max(w.peak, procStatusKB(p, "VmHWM")<<10), w.killed
}

// control is a bystander: a second partner asking for a user's KYC status over REST
// every 200 ms while the attack runs.
type control struct {
	stop chan struct{}
	done chan struct{}
	lat  []time.Duration
	at   []time.Duration // when each request started, from the first
	bad  []string
}

func startControl(base string, p created, user string) *control {
	c := &control{stop: make(chan struct{}), done: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second}
	// The bystander is a partner already in business: its connection is open and its
	// token known to the server before the attack starts (a first request's cold start
	// is not what the bound is about).
	_ = call(client, http.MethodGet, base+"/widget/users/"+user+"/kyc-status", p.ClientToken, "")
	go func() {
		defer close(c.done)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		first := time.Now()
		for i := 0; i < 600; i++ { // two minutes at most
			r := call(client, http.MethodGet, base+"/widget/users/"+user+"/kyc-status", p.ClientToken, "")
			c.lat = append(c.lat, r.end.Sub(r.start))
			c.at = append(c.at, r.start.Sub(first))
			if r.err != nil || r.status != http.StatusOK {
				c.bad = append(c.bad, fmt.Sprintf("#%d after %v: %v", i, r.end.Sub(r.start).Round(time.Millisecond), r))
			}
			select {
			case <-c.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return c
}

// finish stops the bystander and returns its slowest answer and the median.
func (c *control) finish() (worst, median time.Duration) {
	close(c.stop)
	<-c.done
	if len(c.lat) == 0 {
		return 0, 0
	}
	s := append([]time.Duration(nil), c.lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)-1], s[len(s)/2]
}

// slow lists the requests slower than d as "latency@offset", for the log.
func (c *control) slow(d time.Duration) string {
	var out []string
	for i, l := range c.lat {
		if l >= d {
			out = append(out, fmt.Sprintf("%v@%v", l.Round(time.Millisecond), c.at[i].Round(time.Millisecond)))
		}
	}
	return strings.Join(out, " ")
}

// tally counts outcomes by a short key, for one log line per attack.
type tally struct {
	mu sync.Mutex
	n  map[string]int
}

func (t *tally) add(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = map[string]int{}
	}
	t.n[k]++
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]string, 0, len(t.n))
	for k := range t.n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s ×%d; ", k, t.n[k])
	}
	return strings.TrimSuffix(b.String(), "; ")
}
