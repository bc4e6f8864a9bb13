package io.weft.cli;
public class Main { public static void main(String[] a) {} }
