package config

// DefaultImportMaxBytes is import.max_bytes unless configured: 50 MB.
const DefaultImportMaxBytes = 50 << 20

// Import limits `duban import`.
type Import struct {
	// MaxBytes is the largest import file accepted, in bytes; a larger one
	// is refused before it is read.
	MaxBytes int `yaml:"max_bytes"`
}
