module github.com/golden-go/golden-go/examples/services/onehealthz

go 1.26
