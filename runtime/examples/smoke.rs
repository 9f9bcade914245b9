fn main() {
    let rt = runtime::Builder::multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let t = std::time::Instant::now();
    let n = rt.block_on(async {
        let mut hs = Vec::new();
        for i in 0..100_000u64 {
            hs.push(runtime::spawn(async move { i }));
        }
        let mut s = 0;
        for h in hs {
            s += h.await.unwrap();
        }
        s
    });
    println!("sum {n} in {:?}", t.elapsed());
    let e = rt.block_on(async { runtime::spawn(async { panic!("boom") }).await });
    println!("{:?}", e.unwrap_err());
    let rt2 = runtime::Builder::current_thread().build().unwrap();
    let n = rt2.block_on(async {
        let mut hs = Vec::new();
        for i in 0..1000u64 {
            hs.push(runtime::spawn(async move {
                runtime::yield_now().await;
                i
            }));
        }
        let mut s = 0;
        for h in hs {
            s += h.await.unwrap();
        }
        s
    });
    println!("ct sum {n}");
}
