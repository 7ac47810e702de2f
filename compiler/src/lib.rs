//! iamc-compiler: policy AST to IR to automata to artifact bytes.
