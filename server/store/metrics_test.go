package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/store"
)

// TestPoolCollector: the pool metrics describe the pool the store's queries run on.
func TestPoolCollector(t *testing.T) {
	gather := func(t *testing.T, c prometheus.Collector) map[string]float64 {
		reg := prometheus.NewRegistry()
		reg.MustRegister(c)
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, f := range families {
			m := f.GetMetric()[0]
			if m.GetGauge() != nil {
				out[f.GetName()] = m.GetGauge().GetValue()
			} else {
				out[f.GetName()] = m.GetCounter().GetValue()
			}
		}
		return out
	}
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		s := open(t, dbURL)
		// One query, so the pool has opened and lent a connection.
		if _, err := s.Read().PartnerByID(context.Background(), uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("partner lookup in an empty database: %v", err)
		}
		got := gather(t, s.Collector())
		if s.Dialect() == store.SQLite {
			if got["go_sql_max_open_connections"] != 8 {
				t.Fatalf("SQLite pool metrics: %v", got)
			}
			return
		}
		if got["rampart_db_pool_max_conns"] != 32 || got["rampart_db_pool_acquires_total"] < 1 || got["rampart_db_pool_new_conns_total"] < 1 {
			t.Fatalf("PostgreSQL pool metrics: %v", got)
		}
		if _, ok := got["go_sql_max_open_connections"]; ok {
			t.Fatalf("database/sql metrics on PostgreSQL, whose connections it does not see: %v", got)
		}
	})
}
