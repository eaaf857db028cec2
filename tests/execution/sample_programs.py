"""Sample programs in every language, shared by the program tests."""

from __future__ import annotations

# Read two integers, print their sum.
SUM = {
    "python": "a, b = map(int, input().split())\nprint(a + b)\n",
    "c": '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);return 0;}\n',
    "cpp": '#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<"\\n";}\n',
    "java": "import java.util.*;\npublic class Main {\n  public static void main(String[] args) {\n"
    "    Scanner s = new Scanner(System.in);\n    System.out.println(s.nextLong() + s.nextLong());\n  }\n}\n",
    "javascript": "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\n"
    "console.log(a + b);\n",
    "go": 'package main\nimport "fmt"\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b) }\n',
    "rust": "use std::io::Read;\nfn main() {\n  let mut s = String::new();\n"
    "  std::io::stdin().read_to_string(&mut s).unwrap();\n"
    "  let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();\n"
    '  println!("{}", v[0] + v[1]);\n}\n',
    "ruby": "a, b = gets.split.map(&:to_i)\nputs a + b\n",
    "php": "<?php\n[$a, $b] = array_map('intval', explode(' ', trim(fgets(STDIN))));\necho $a + $b, \"\\n\";\n",
}

# Does not compile.
BROKEN = {
    "c": "int main(void) { return undefined_name; }\n",
    "cpp": "int main() { std::vector<int> v; }\n",
    "java": 'public class Main { public static void main(String[] a) { int x = "s"; } }\n',
    "go": "package main\nfunc main() { x := 1 }\n",
    "rust": 'fn main() { let x: i32 = "s"; }\n',
}

# Allocates 1 MiB blocks, touching them, until something gives.
MEMORY_HOG = {
    "python": "blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 20))\n",
    "c": "#include <stdlib.h>\n#include <string.h>\nint main(void){for(;;){char*p=malloc(1<<20);memset(p,1,1<<20);}}\n",
    "cpp": "#include <vector>\nint main(){std::vector<std::vector<char>> v;for(;;)v.emplace_back(1<<20,1);}\n",
    "java": "import java.util.*;\npublic class Main { public static void main(String[] a) {\n"
    "  List<byte[]> l = new ArrayList<>(); for (;;) l.add(new byte[1 << 20]); } }\n",
    "javascript": "const a = [];\nfor (;;) a.push(new Array(1 << 17).fill(1.5));\n",
    "go": "package main\nfunc main() { var l [][]byte\n for { b := make([]byte, 1<<20); for i := range b { b[i] = 1 };"
    " l = append(l, b) } }\n",
    "rust": "fn main() { let mut v: Vec<Vec<u8>> = Vec::new(); loop { v.push(vec![1u8; 1 << 20]); } }\n",
    "ruby": "a = []\nloop { a << ('x' * (1 << 20)) }\n",
    "php": "<?php\n$a = [];\nfor (;;) { $a[] = str_repeat('x', 1 << 20); }\n",
}

# Spins forever.
SPIN = {
    "python": "while True:\n    pass\n",
    "c": "int main(void){volatile unsigned long i=0;for(;;)i++;}\n",
    "java": "public class Main { public static void main(String[] a) { long i = 0; while (true) i++; } }\n",
    "javascript": "for (;;) {}\n",
}
