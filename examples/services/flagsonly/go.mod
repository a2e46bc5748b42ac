module github.com/golden-go/golden-go/examples/services/flagsonly

go 1.26
