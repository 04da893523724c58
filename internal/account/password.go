package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/ecship/ecship/internal/errs"
)

// Argon2id parameters: the one place they are set (OWASP's 19 MiB, 2 passes, 1 lane). Hashes carry
// their parameters, so raising these rehashes old passwords at their next sign-in.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Each hash takes 19 MiB for a few milliseconds: at most one per core at once, and a bounded queue
// behind them, so a burst of sign-ins cannot exhaust memory.
var (
	hashSlots = make(chan struct{}, runtime.NumCPU())
	hashQueue = make(chan struct{}, 64*runtime.NumCPU())
)

func withHashSlot(ctx context.Context, f func()) error {
	select {
	case hashQueue <- struct{}{}:
	default:
		return errs.New(errs.Unavailable, "account.busy", nil)
	}
	defer func() { <-hashQueue }()
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-hashSlots }()
	f()
	return nil
}

// HashPassword returns the argon2id hash of pw in PHC string form.
func HashPassword(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	var key []byte
	if err := withHashSlot(ctx, func() { key = argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen) }); err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// dummyHash is verified against when there is no account, so a missing account takes as long as a
// wrong password and timing does not reveal which accounts exist.
var (
	dummyOnce sync.Once
	dummyHash string
)

func dummy(ctx context.Context) string {
	dummyOnce.Do(func() { dummyHash, _ = HashPassword(ctx, randomString(16)) })
	return dummyHash
}

// VerifyPassword checks pw against a stored hash in constant time. Besides argon2id it reads the
// legacy format "sha256$SALT$HEX" of imported Stamp OnNet and other old accounts; rehash is true when
// the hash should be replaced by a fresh argon2id one. An empty hash verifies (slowly) as false.
func VerifyPassword(ctx context.Context, hash, pw string) (ok, rehash bool, err error) {
	if hash == "" {
		hash = dummy(ctx)
		defer func() { ok, rehash = false, false }()
	}
	switch {
	case strings.HasPrefix(hash, "$argon2id$"):
		var v, m, t, p int
		parts := strings.Split(hash, "$")
		if len(parts) != 6 {
			return false, false, fmt.Errorf("account: malformed argon2id hash")
		}
		if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil {
			return false, false, fmt.Errorf("account: malformed argon2id hash")
		}
		if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m <= 0 || t <= 0 || p <= 0 || m > 1<<20 || t > 20 || p > 16 {
			return false, false, fmt.Errorf("account: malformed argon2id parameters")
		}
		salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
		want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
		if err1 != nil || err2 != nil || len(want) == 0 {
			return false, false, fmt.Errorf("account: malformed argon2id hash")
		}
		var got []byte
		if err := withHashSlot(ctx, func() { got = argon2.IDKey([]byte(pw), salt, uint32(t), uint32(m), uint8(p), uint32(len(want))) }); err != nil {
			return false, false, err
		}
		ok = subtle.ConstantTimeCompare(got, want) == 1
		return ok, ok && (m != argonMemory || t != argonTime || p != argonThreads || v != argon2.Version), nil
	case strings.HasPrefix(hash, "sha256$"):
		parts := strings.Split(hash, "$")
		want, err := hex.DecodeString(parts[len(parts)-1])
		if len(parts) != 3 || err != nil {
			return false, false, fmt.Errorf("account: malformed legacy hash")
		}
		sum := sha256.Sum256([]byte(parts[1] + pw))
		ok = subtle.ConstantTimeCompare(sum[:], want) == 1
		// Take as long as an argon2id check: a fast answer would tell that the login exists.
		if _, _, err := VerifyPassword(ctx, dummy(ctx), pw); err != nil && errs.CodeOf(err) == errs.Unavailable {
			return false, false, err
		}
		return ok, ok, nil
	}
	return false, false, fmt.Errorf("account: unknown password hash format")
}

// LegacySHA256 makes a legacy-format hash (for test data and demo legacy members).
func LegacySHA256(salt, pw string) string {
	sum := sha256.Sum256([]byte(salt + pw))
	return "sha256$" + salt + "$" + hex.EncodeToString(sum[:])
}
