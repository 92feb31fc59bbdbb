package store

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Collector reports the connection pool's statistics to Prometheus: database/sql's
// go_sql_* metrics on SQLite, rampart_db_pool_* ones from pgx's pool on PostgreSQL (whose
// connections database/sql does not see).
func (s *Store) Collector() prometheus.Collector {
	if s.pool == nil {
		return collectors.NewDBStatsCollector(s.db, s.dialect.String())
	}
	return poolCollector{s.pool}
}

type poolCollector struct{ pool *pgxpool.Pool }

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("rampart_db_pool_"+name, help, nil, nil)
}

var (
	poolMaxConns        = poolDesc("max_conns", "Maximum number of connections of the PostgreSQL pool.")
	poolTotalConns      = poolDesc("total_conns", "Connections of the PostgreSQL pool: in use, idle and being opened.")
	poolAcquiredConns   = poolDesc("acquired_conns", "Connections of the PostgreSQL pool in use.")
	poolIdleConns       = poolDesc("idle_conns", "Idle connections of the PostgreSQL pool.")
	poolAcquires        = poolDesc("acquires_total", "Connections acquired from the PostgreSQL pool.")
	poolEmptyAcquires   = poolDesc("empty_acquires_total", "Acquires that found no idle connection and waited for one to be opened or released.")
	poolCanceledAcquire = poolDesc("canceled_acquires_total", "Acquires given up because their context ended first (the pool had no connection in time).")
	poolAcquireSeconds  = poolDesc("acquire_seconds_total", "Time spent in successful acquires from the PostgreSQL pool, in seconds.")
	poolNewConns        = poolDesc("new_conns_total", "Connections opened by the PostgreSQL pool.")
	poolIdleClosed      = poolDesc("idle_closed_total", "Connections closed by the PostgreSQL pool for being idle too long.")
	poolLifetimeClosed  = poolDesc("lifetime_closed_total", "Connections closed by the PostgreSQL pool for reaching their maximum lifetime.")
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolMaxConns, poolTotalConns, poolAcquiredConns, poolIdleConns, poolAcquires,
		poolEmptyAcquires, poolCanceledAcquire, poolAcquireSeconds, poolNewConns, poolIdleClosed, poolLifetimeClosed} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolMaxConns, float64(st.MaxConns()))
	gauge(poolTotalConns, float64(st.TotalConns()))
	gauge(poolAcquiredConns, float64(st.AcquiredConns()))
	gauge(poolIdleConns, float64(st.IdleConns()))
	counter(poolAcquires, float64(st.AcquireCount()))
	counter(poolEmptyAcquires, float64(st.EmptyAcquireCount()))
	counter(poolCanceledAcquire, float64(st.CanceledAcquireCount()))
	counter(poolAcquireSeconds, st.AcquireDuration().Seconds())
	counter(poolNewConns, float64(st.NewConnsCount()))
	counter(poolIdleClosed, float64(st.MaxIdleDestroyCount()))
	counter(poolLifetimeClosed, float64(st.MaxLifetimeDestroyCount()))
}
