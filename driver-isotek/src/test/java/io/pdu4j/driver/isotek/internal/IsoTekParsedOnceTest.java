package io.pdu4j.driver.isotek.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Each line from a unit is parsed once, where it arrives: the status assembler, the OK router, the
 * command queue and every exchange take the {@link IsoTekFrame}, never the text.
 */
class IsoTekParsedOnceTest {
  private static final JavaClasses DRIVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pdu4j.driver.isotek");

  @Test
  void onlyTheLineReaderAndTheDiscoveryAnswersParseLines() {
    noClasses()
        .that()
        .doNotHaveSimpleName("IsoTekLines")
        .and()
        .doNotHaveSimpleName("IsoTekDiscoveryAnswers")
        .and()
        .doNotHaveSimpleName("IsoTekParser")
        .should()
        .callMethod(IsoTekParser.class, "parse", String.class)
        .because("a line is parsed once where it arrives; everything after takes the frame")
        .check(DRIVER);
  }
}
