module tls-injector/bench/go-baseline

go 1.19
