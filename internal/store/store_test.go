package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

func TestMigrateTwiceIsHarmless(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := storetest.Open(t, dsn)
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
		})
	}
}

func TestConcurrentMigrationsOnOneDatabase(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make([]error, 3)
			for i := range errs {
				wg.Go(func() {
					s, err := store.Open(context.Background(), dsn)
					if err != nil {
						errs[i] = err
						return
					}
					defer s.Close()
					errs[i] = s.Migrate(context.Background())
				})
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestTransactRollsBackOnError(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := s.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO weather_days (day, signal, note, created_at) VALUES ('2026-08-01', 'T8', '', CURRENT_TIMESTAMP)`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Transact = %v; want boom", err)
		}
		days, err := s.WeatherDays(ctx)
		if err != nil || len(days) != 0 {
			t.Fatalf("after rollback: %v %v; want nothing written", days, err)
		}
	})
}

func TestWeatherDays(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, w := range []catalog.WeatherDay{
			{Date: "2026-09-24", Signal: "T8", Note: "Typhoon"},
			{Date: "2026-06-10", Signal: "BLACK"},
			{Date: "2026-09-24", Signal: "T10", Note: "upgraded"},
		} {
			if err := s.AddWeatherDay(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		days, err := s.WeatherDays(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []catalog.WeatherDay{{Date: "2026-06-10", Signal: "BLACK"}, {Date: "2026-09-24", Signal: "T10", Note: "upgraded"}}
		if len(days) != 2 || days[0] != want[0] || days[1] != want[1] {
			t.Fatalf("weather days %+v; want %+v", days, want)
		}
	})
}
