package kata.bench;
public final class Benchmark { public static void main(String[] a) { System.out.println("hello bench " + System.getProperty("user.dir")); } }
