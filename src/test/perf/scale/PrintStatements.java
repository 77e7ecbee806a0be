import dev.books.book.BookStatements;

/** Prints the books table's statements as NAME<TAB>SQL lines, for explain.py (run with the jar on the class path). */
public class PrintStatements {
    public static void main(String[] args) {
        BookStatements.all().forEach((name, sql) -> System.out.println(name + "\t" + sql));
    }
}
