package batch

import (
	"time"

	"github.com/ecship/ecship/internal/account"
)

// Status is where an uploaded file is.
type Status string

// Batch states.
const (
	Processing   Status = "processing"    // being read, checked and stored
	Done         Status = "done"          // its shipments are stored
	NeedsMapping Status = "needs_mapping" // required columns were not found: the sender maps them
	Failed       Status = "failed"        // the file was refused (too many rows, not a spreadsheet...)
)

// Batch is one uploaded file and what became of it (rule BAT-1..3).
type Batch struct {
	ID          string
	OwnerID     string
	Mode        account.Mode
	Status      Status
	Filename    string
	SHA256      string
	File        []byte // kept only while the sender maps columns
	Options     Options
	Rows        int // data rows read
	RowsDone    int // rows checked so far (progress)
	Created     int // ready labels made
	Incomplete  int // rows kept as incomplete labels
	Errors      []RowError
	FileError   *Message // why the whole file was refused
	ShipmentIDs []string
	Headers     []HeaderColumn // the file's columns and what they matched, for mapping
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RowError is one problem of one row and column, rows numbered as the spreadsheet shows them.
type RowError struct {
	Row    int            `json:"row"`
	Column string         `json:"column"`
	Key    string         `json:"key"`
	Args   map[string]any `json:"args,omitempty"`
}

// Message is a translatable message: a key and its arguments.
type Message struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}
