// Package examples ships the example election definitions inside the
// binary, so that `dauys demo` works from any folder.
//
// It owns the embedded files and imports no other Dauys package.
package examples

import "embed"

// FS holds every example, one folder per election id.
//
//go:embed kz-2023 kz-kurultai-2026 kz-president-2022 kz-referendum-2022 kz-referendum-2024 kz-referendum-2026 ru-duma-2011 ru-duma-2016 ru-president-2018 ru-referendum-2020
var FS embed.FS
