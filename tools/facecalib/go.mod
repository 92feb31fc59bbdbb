module github.com/rampart-id/rampart/tools/facecalib

go 1.26.0

require github.com/rampart-id/rampart v0.0.0

replace github.com/rampart-id/rampart => ../..
