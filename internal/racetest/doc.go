// Package racetest proves that money and label state stay consistent when two real `ecship serve`
// processes share one PostgreSQL database and many clients race on them over the REST API: a
// cancellation racing the 20:00 card settlement (run by `ecship settle` in a third process), a
// counter acceptance racing the sender's cancellation, an edit racing the payment, and two admins
// vetting one refund application at once. After the races, `ecship ledger check` and direct SQL
// checks of each invariant must find nothing wrong.
//
// The package has only tests. They need ECSHIP_TEST_POSTGRES (see internal/store/storetest) and
// skip without it, unless CI is set. ECSHIP_RACE_ROUNDS multiplies the rounds of each race;
// ECSHIP_RACE_SOAK (a duration such as 20m) runs all four races together until it ends.
package racetest
