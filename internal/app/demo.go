package app

import (
	"context"
	"fmt"
	"io"
)

// Demo adds demonstration data and says what it added. The catalogue is the whole demo for now:
// users, shipments and tracking events come with the features that own them.
func (a *App) Demo(ctx context.Context, out io.Writer) error {
	fmt.Fprintln(out, "demo: the postage comparison needs no account; open the portal and compare, e.g. 450 g to Japan")
	return nil
}
