/// The lessons, in the document's order. Each runs one claim script of `scripts/examples` as it is; a test
/// checks that every script there has a lesson and every lesson a script.
enum TourLessons {
    static let all: [TourLesson] = [
        TourLesson(
            section: .loss, script: "07-kl-is-asymmetric.gan",
            idea: TourText(
                en: "The document reads the GAN loss as a divergence, so first the divergences themselves, computed from their formulas with nothing trained. KL(p‖q) weighs the log-ratio where p has mass, so it is asymmetric: for N(0, 1) against N(1, 2²) it is 0.443 one way and 1.307 the other. JS averages the two directions through the mixture and is symmetric, 0.128 both ways. The sweep draws the three as q widens.",
                ko: "문서는 GAN loss를 divergence로 읽으므로, 먼저 divergence 자체를 아무것도 학습하지 않고 공식으로 계산합니다. KL(p‖q)는 p에 질량이 있는 곳에서 로그 비율을 재므로 비대칭입니다. N(0, 1)과 N(1, 2²) 사이에서 한쪽으로는 0.443, 반대쪽으로는 1.307입니다. JS는 두 분포의 혼합을 거쳐 두 방향을 평균하므로 대칭이며, 어느 쪽으로나 0.128입니다. sweep은 q가 넓어질 때 세 값을 그립니다."),
            picture: [],
            tryNext: TourText(
                en: "Move q instead of widening it: is KL still asymmetric when only the means differ?",
                ko: "q를 넓히지 말고 옮겨 보세요. 평균만 다를 때도 KL이 비대칭인가요?"),
            tryCommands: ["divergence gaussian mu1=0 sigma1=1 sigma2=1 sweep=mu2:-3..3 points=7 show=kl,reverse_kl,js"]),
        TourLesson(
            section: .loss, script: "10-optimal-discriminator.gan",
            idea: TourText(
                en: "Against a fixed G the best discriminator is D*(x) = p_r(x) / (p_r(x) + p_g(x)) (Goodfellow et al. 2014, Proposition 1). To know D* exactly, G here is a known distribution, N(0, 1), frozen, and the data a mixture of two Gaussians. After 2000 updates σ(D) lies within 0.02 of D* on average over the line, and the value V(D, G) is within 0.005 of V(D*, G) = 2·JS − 2 log 2 = −0.6537.",
                ko: "G가 고정되어 있으면 가장 좋은 판별자는 D*(x) = p_r(x) / (p_r(x) + p_g(x))입니다 (Goodfellow 등 2014, Proposition 1). D*를 정확히 알 수 있도록 여기서 G는 알려진 분포 N(0, 1)로 고정하고, 데이터는 가우시안 두 개의 혼합입니다. 2000번 학습 후 σ(D)는 직선 위에서 평균 0.02 이내로 D*에 붙고, V(D, G)는 V(D*, G) = 2·JS − 2 log 2 = −0.6537과 0.005 이내로 같습니다."),
            picture: [],
            tryNext: TourText(
                en: "Move G towards one of the modes and train D again: where does D* cross ½ now?",
                ko: "G를 한 모드 쪽으로 옮기고 D를 다시 학습해 보세요. 이제 D*는 어디서 ½을 지나나요?"),
            tryCommands: ["generator gaussian mu=1.5 sigma=1", "seed 1", "step 2000", "dstar plot=true"]),
        TourLesson(
            section: .loss, script: "01-gan-loss-is-js.gan",
            idea: TourText(
                en: "With G held fixed, the best discriminator is D*(x) = p(x) / (p(x) + q(x)), and its loss is then 2·log 2 − 2·JS(p‖q): the GAN loss measures the Jensen–Shannon divergence between the data p and the generator's distribution q. The script freezes a freshly initialised G on a 1-D mixture of two Gaussians, trains D for 2000 updates, and compares D's own estimate log 2 − ½·L_D with an independent one that only counts samples in 400 bins.",
                ko: "G를 고정하면 가장 좋은 판별자는 D*(x) = p(x) / (p(x) + q(x))이고, 그때 D의 손실은 2·log 2 − 2·JS(p‖q)입니다. 즉 GAN의 loss는 진짜 분포 p와 생성 분포 q 사이의 JS divergence를 재는 것과 같습니다. 스크립트는 1차원 가우시안 두 개의 혼합 데이터에서 막 초기화된 G를 고정하고 D를 2000번 학습한 뒤, D가 말하는 값 log 2 − ½·L_D를 샘플을 400개 구간에 세기만 한 독립적인 추정값과 비교합니다."),
            picture: ["plot samples"],
            tryNext: TourText(
                en: "Another G, further from the data: does D's estimate still follow the histogram's?",
                ko: "데이터에서 더 먼 다른 G로 해 보세요. D의 추정값이 여전히 히스토그램의 값을 따라가나요?"),
            tryCommands: ["generator mlp hidden=16 init=normal std=3", "seed 2", "step 2000", "metric histogram n=100000 bins=400", "metric critic n=100000"]),
        TourLesson(
            section: .loss, script: "11-optimum-when-g-is-the-data.gan",
            idea: TourText(
                en: "When G generates the data distribution itself, no discriminator can tell the two apart: D*(x) = ½ everywhere and V(D*, G) = −2 log 2, the global optimum of the GAN game (Goodfellow et al. 2014, Theorem 1). G is N(0, 1), frozen, and so is the data; D trains 1000 updates, and its loss settles at 2 log 2 ≈ 1.386 with σ(D) within 0.05 of ½.",
                ko: "G가 데이터 분포 자체를 생성하면 어떤 판별자도 둘을 구분할 수 없습니다. D*(x) = ½이 모든 곳에서 성립하고 V(D*, G) = −2 log 2로, GAN 게임의 전역 최적점입니다 (Goodfellow 등 2014, Theorem 1). G는 N(0, 1)로 고정되고 데이터도 N(0, 1)입니다. D를 1000번 학습하면 손실이 2 log 2 ≈ 1.386에 머물고 σ(D)는 ½에서 0.05 이내에 있습니다."),
            picture: ["plot history d_loss"],
            tryNext: TourText(
                en: "Make G only slightly different from the data: how far below 2 log 2 does D's loss fall?",
                ko: "G를 데이터와 아주 조금만 다르게 해 보세요. D의 손실이 2 log 2보다 얼마나 내려가나요?"),
            tryCommands: ["generator gaussian mu=0.2 sigma=1", "seed 1", "step 1000", "dstar"]),
        TourLesson(
            section: .problem(1), script: "02-nash-equilibrium.gan",
            idea: TourText(
                en: "Each player follows its own gradient, and each update changes the other's problem. In the x·y game, whose equilibrium is (0, 0), simultaneous gradient steps spiral outwards, alternating steps circle, and consensus optimisation walks in. The Dirac-GAN then reproduces the published radii of Mescheder et al. (2018) for four losses, none of which converges, and the three methods that do: instance noise, R1 and consensus.",
                ko: "두 플레이어는 각자 자기 그라디언트를 따라가고, 한쪽의 업데이트가 상대의 문제를 바꿉니다. 평형점이 (0, 0)인 x·y 게임에서 동시 업데이트는 바깥으로 나선을 그리며 멀어지고, 번갈아 하는 업데이트는 제자리를 돌며, consensus optimisation은 평형점으로 들어갑니다. 이어서 Dirac-GAN으로 Mescheder 등(2018)이 발표한 네 가지 loss의 반지름을 재현하는데, 어느 것도 수렴하지 않습니다. 수렴하는 세 방법(instance noise, R1, consensus)도 함께 봅니다."),
            picture: ["plot games"],
            tryNext: TourText(
                en: "A ten times smaller step, ten times longer: does it make simultaneous updates converge?",
                ko: "스텝을 열 배 줄이고 열 배 오래 해 보세요. 동시 업데이트가 수렴하나요?"),
            tryCommands: ["game xy lr=0.01", "step 1000", "plot games"]),
        TourLesson(
            section: .problem(1), script: "remedy-8-extragradient.gan",
            idea: TourText(
                en: "Extragradient (Korpelevich 1976; Gidel et al. 2019) is the document's remedy for the Nash-equilibrium problem: each step first looks one step ahead along both players' gradients, then moves them from where they were along the gradients found there. On the x·y game it shrinks the distance to the equilibrium by √(1 − η² + η⁴) per step where simultaneous steps grow it by √(1 + η²): from (1, 1) the radius is 0.86 after 100 steps and 0.0098 after 1000, as the formula says. In the Dirac-GAN it moves inwards too.",
                ko: "Extragradient(Korpelevich 1976; Gidel 등 2019)는 내쉬 균형 문제에 대한 해결책입니다. 각 스텝에서 먼저 두 플레이어의 그라디언트를 따라 한 스텝 앞을 내다본 뒤, 원래 자리에서 그곳의 그라디언트를 따라 움직입니다. x·y 게임에서 동시 업데이트는 평형점까지의 거리를 스텝마다 √(1 + η²)배 늘리지만, extragradient는 √(1 − η² + η⁴)배로 줄입니다. (1, 1)에서 시작하면 반지름이 100스텝 후 0.86, 1000스텝 후 0.0098로 공식과 같습니다. Dirac-GAN에서도 안쪽으로 움직입니다."),
            picture: ["plot games"],
            tryNext: TourText(
                en: "A larger step, η = 0.5: does extragradient still converge?",
                ko: "더 큰 스텝 η = 0.5로 해 보세요. extragradient가 여전히 수렴하나요?"),
            tryCommands: ["game xy lr=0.5 x=1 y=1 update=extragradient", "step 100", "plot games"]),
        TourLesson(
            section: .problem(2), script: "03-low-dimensional-supports.gan",
            idea: TourText(
                en: "Real and generated data lie on thin sets that almost never meet, so a discriminator that separates them perfectly exists. WGAN's Example 1 makes this exact: the data is the segment (0, z) and G makes (θ, z). A cross-entropy D reaches 100 % accuracy and its JS estimate sits at log 2 ≈ 0.693 whether θ is 1 or 0.1, while a WGAN-GP critic's estimate follows |θ|. Last, G learns from θ = 1: the critic's gradient carries it to the data.",
                ko: "진짜 데이터와 생성된 데이터는 거의 만나지 않는 얇은 집합(저차원 매니폴드) 위에 있어서, 둘을 완벽하게 구분하는 판별자가 존재합니다. WGAN 논문의 Example 1이 이를 정확히 보여 줍니다. 데이터는 선분 (0, z)이고 G는 (θ, z)를 만듭니다. cross-entropy D는 θ가 1이든 0.1이든 정확도 100 %에 이르고 JS 추정값은 log 2 ≈ 0.693에 머무르지만, WGAN-GP critic의 추정값은 |θ|를 따라갑니다. 마지막으로 θ = 1에서 G를 학습시키면 critic의 그라디언트가 G를 데이터까지 데려갑니다."),
            picture: ["plot samples"],
            tryNext: TourText(
                en: "G back at θ = 1 and trained under the minimax loss, D and G together: does θ move?",
                ko: "G를 θ = 1로 되돌리고 minimax loss로 D와 G를 함께 학습해 보세요. θ가 움직이나요?"),
            tryCommands: ["generator offset theta=1", "seed 1", "freeze none", "step 1000", "metric w1"]),
        TourLesson(
            section: .problem(2), script: "low-dimensional-supports-in-higher-dimensions.gan",
            idea: TourText(
                en: "The document's argument in numbers: two planes placed at random in R^n meet in a line when n = 3 and only at a point from n = 4 on, so the larger the space, the more surely two low-dimensional supports miss each other. The data lie on one random plane and G's samples on another; a fresh D is trained at n = 3, 4, 8, 32 and 128. At n = 3 it errs near the shared line; from n = 4 its accuracy is above 0.999 and its JS estimate climbs to log 2 ≈ 0.693.",
                ko: "문서의 논증을 숫자로 봅니다. Rⁿ 안에 무작위로 놓인 두 평면은 n = 3이면 직선에서 만나고, n = 4부터는 한 점에서만 만납니다. 공간이 클수록 두 저차원 support가 서로 어긋날 것이 더 확실해집니다. 데이터는 한 무작위 평면 위에, G의 샘플은 다른 평면 위에 있고, n = 3, 4, 8, 32, 128에서 새 D를 학습합니다. n = 3에서는 공유하는 직선 근처에서 틀리지만, n = 4부터는 정확도가 0.999를 넘고 JS 추정값이 log 2 ≈ 0.693까지 올라갑니다."),
            picture: ["plot critic"],
            tryNext: TourText(
                en: "G on the data's own plane (the supports coincide): what can D do now?",
                ko: "G를 데이터와 같은 평면 위에 두어 보세요 (support가 일치). 이제 D는 무엇을 할 수 있나요?"),
            tryCommands: ["generator subspace basis=1", "seed 1", "step 300", "metric critic"]),
        TourLesson(
            section: .problem(3), script: "04-vanishing-gradients.gan",
            idea: TourText(
                en: "Once D is nearly perfect, the minimax loss saturates and G's gradient goes to zero (Arjovsky & Bottou 2017, Figure 2). On the disjoint lines of WGAN's Example 1 G is frozen and a fresh D trains 4000 updates: ‖∇G‖ falls by more than a thousand times under the minimax loss and grows under the non-saturating one. On ring8, where the supports overlap, the same experiment leaves ‖∇G‖ within a factor of ten. The two log-scale curves are written as vanishing-gradient-minimax.svg and vanishing-gradient-nonsaturating.svg in the current folder.",
                ko: "D가 거의 완벽해지면 minimax loss는 포화되고 G의 그라디언트가 0으로 사라집니다 (Arjovsky & Bottou 2017, Figure 2). WGAN Example 1의 서로 떨어진 선분 위에서 G를 고정하고 새 D를 4000번 학습하면, minimax loss에서는 ‖∇G‖가 천 배 넘게 줄고 non-saturating loss에서는 오히려 커집니다. support가 겹치는 ring8에서는 같은 실험에서도 ‖∇G‖가 열 배 안쪽에 머무릅니다. 로그 눈금의 두 곡선은 현재 폴더에 vanishing-gradient-minimax.svg와 vanishing-gradient-nonsaturating.svg로 저장됩니다."),
            picture: ["plot history grad_norm_g log"],
            tryNext: TourText(
                en: "The last run with instance noise added: what does the noise do to the gradient G gets?",
                ko: "마지막 실행에 instance noise를 더해 보세요. 노이즈는 G가 받는 그라디언트를 어떻게 바꾸나요?"),
            tryCommands: ["trick on instance-noise sigma=0.3", "step 2000", "plot history grad_norm_g log"]),
        TourLesson(
            section: .problem(3), script: "12-wgan-figure-2.gan",
            idea: TourText(
                en: "WGAN's Figure 2 in one picture: on two Gaussians far apart, a GAN discriminator trained to optimality is a step, flat where the generated samples are, so G's gradient vanishes (below 1e-6). A WGAN critic with weight clipping, trained on the same data, stays close to a ramp: its slope at the generated samples is half its largest, and G's gradient through it is four orders of magnitude larger.",
                ko: "WGAN 논문의 Figure 2를 한 그림으로 봅니다. 멀리 떨어진 두 가우시안에서 최적까지 학습한 GAN 판별자는 계단 모양이라 생성된 샘플이 있는 곳에서 평평하므로, G의 그라디언트가 사라집니다 (1e-6 미만). 같은 데이터에서 weight clipping으로 학습한 WGAN critic은 경사로에 가깝게 남습니다. 생성된 샘플에서의 기울기가 최대 기울기의 절반이고, 이를 거친 G의 그라디언트는 네 자릿수 더 큽니다."),
            picture: [],
            tryNext: TourText(
                en: "A looser clipping bound, c = 0.1, for a fresh critic: does it stay a ramp?",
                ko: "새 critic에 더 느슨한 clipping 한계 c = 0.1을 주어 보세요. 여전히 경사로로 남나요?"),
            tryCommands: ["critic mlp hidden=64,64", "loss wgan clip=0.1", "step 100", "snapshot looser", "dprofile gan looser plot=true"]),
        TourLesson(
            section: .problem(4), script: "05-mode-collapse.gan",
            idea: TourText(
                en: "G can fool D while covering only a small part of the data. A small non-saturating GAN on ring8, eight Gaussians on a circle, puts almost everything on one or two modes in two of three seeds: few modes, few samples near a mode, a large reverse KL over the modes. PacGAN2 (Lin et al. 2018) lets D see samples in pairs, so a batch of near-copies gives itself away, and the same networks cover seven of the eight modes on average.",
                ko: "G는 D를 속이는 데 성공하면서도 데이터의 작은 부분만 덮을 수 있습니다. 원 위의 가우시안 여덟 개(ring8)에서 작은 non-saturating GAN은 세 시드 중 두 번 거의 모든 샘플을 한두 개의 모드에 몰아 넣습니다. 찾은 모드가 적고, 모드 근처의 샘플이 적고, 모드에 대한 reverse KL이 큽니다. PacGAN2(Lin 등 2018)는 D가 샘플을 둘씩 묶어 보게 해서, 거의 같은 샘플들로 된 배치가 스스로 드러나게 합니다. 같은 네트워크가 평균 여덟 모드 중 일곱 개를 덮습니다."),
            picture: ["seed 3", "step 1000", "plot samples"],
            tryNext: TourText(
                en: "Packing four samples instead of two: does more packing help more?",
                ko: "샘플을 둘이 아니라 넷씩 묶어 보세요. 더 많이 묶으면 더 좋아지나요?"),
            tryCommands: ["trick on packing m=4", "seeds 1,2,3 { step 1000; metric modes }"]),
        TourLesson(
            section: .problem(4), script: "remedy-9-unrolled-gan.gan",
            idea: TourText(
                en: "Unrolled GANs (Metz et al. 2017), a baseline of the mode-collapse tables: G's loss is taken against D as it would be five updates later, differentiated through those updates, so a G that hops onto the mode D likes today is penalised for what D would do next. The small ring8 GAN that collapses to 3.3 of 8 modes finds 7 with it, and the reverse KL over the modes falls from 1.46 to 0.52.",
                ko: "Unrolled GAN(Metz 등 2017)은 모드 붕괴 표의 기준선 중 하나입니다. G의 loss를 다섯 번 업데이트한 뒤의 D에 대해 계산하고 그 업데이트를 거쳐 미분하므로, 지금 D가 좋아하는 모드로 뛰어드는 G는 D가 다음에 할 일 때문에 벌을 받습니다. 8개 중 3.3개의 모드로 붕괴하던 작은 ring8 GAN이 이 방법으로 7개를 찾고, 모드에 대한 reverse KL은 1.46에서 0.52로 줄어듭니다."),
            picture: ["seed 3", "step 1000", "plot samples"],
            tryNext: TourText(
                en: "The first-order variant, without the gradient through the unrolling: does the second derivative matter here?",
                ko: "unrolling을 거치는 그라디언트 없이 1차 변형으로 해 보세요. 여기서 2차 미분이 중요한가요?"),
            tryCommands: ["trick on unrolled-gan steps=5 lr=0.01 through=false", "seeds 1,2,3 { step 1000; metric modes }"]),
        TourLesson(
            section: .problem(4), script: "mode-collapse-stacked-fashion-mnist.gan",
            idea: TourText(
                en: "Mode collapse on images: stacked Fashion-MNIST puts three random clothing images in the red, green and blue channels, so it has 1000 modes, and a Fashion-MNIST classifier, trained first, names each channel's class, which counts the modes a generator reaches. A DCGAN whose D has only 3 and 6 channels, as weak as the D of PacGAN's Table 3, makes mostly grey samples, the three channels nearly one image: 42 of the 1000 modes, and a KL of 6.34 to the uniform histogram. PacGAN2 shows the same D two samples side by side as six channels, so a pair that repeats itself stands out, and the same G then reaches 657 modes, with a KL of 1.31.",
                ko: "이미지에서의 모드 붕괴입니다. stacked Fashion-MNIST는 무작위로 고른 옷 이미지 세 장을 빨강, 초록, 파랑 채널에 넣으므로 모드가 1000개이고, 먼저 학습한 Fashion-MNIST 분류기가 각 채널의 클래스를 매겨 생성기가 닿은 모드를 셉니다. D의 채널이 3개와 6개뿐인 DCGAN은 PacGAN의 Table 3에 나오는 D만큼 약해서, 세 채널이 거의 같은 회색 샘플을 주로 만듭니다. 그래서 1000개 중 42개의 모드에만 닿고, 균등 히스토그램과의 KL은 6.34입니다. PacGAN2는 같은 D에 샘플 두 개를 여섯 채널로 나란히 보여 주어 서로 닮은 짝이 드러나게 하고, 그러면 같은 G가 657개의 모드에 닿으며 KL은 1.31로 줄어듭니다."),
            picture: [],
            tryNext: TourText(
                en: "Pack four samples instead of two (PacGAN4), from the same start: does G reach still more of them?",
                ko: "같은 출발점에서 샘플을 두 개 대신 네 개씩 묶어 보세요(PacGAN4). D가 빠진 모드를 더 찾아내나요?"),
            tryCommands: ["restore start", "trick on packing m=4", "step 1000", "metric stacked-modes classifier=stacked-classifier.safetensors n=10000"]),
        TourLesson(
            section: .problem(5), script: "06-no-proper-metric.gan",
            idea: TourText(
                en: "A GAN's loss does not say how good its samples are, so it is hard to know when to stop or which model is best. Two runs on ring8 are measured every 500 iterations with the exact W1 between samples and with coverage. Under WGAN-GP the critic's own estimate falls as W1 falls, as the WGAN paper shows; under the non-saturating loss the samples improve just as much while its discriminator's JS estimate rises.",
                ko: "GAN의 loss는 샘플이 얼마나 좋은지 말해 주지 않으므로, 언제 학습을 멈출지, 어떤 모델이 가장 나은지 판단하기 어렵습니다. ring8에서 두 번 학습하며 500번마다 샘플 사이의 정확한 W1과 coverage를 잽니다. WGAN-GP에서는 논문이 보여 주듯 critic 자신의 추정값이 W1과 함께 줄어들지만, non-saturating loss에서는 샘플이 똑같이 좋아지는데도 판별자의 JS 추정값은 오히려 커집니다."),
            picture: ["plot history w1.w1 critic.js"],
            tryNext: TourText(
                en: "Other measures of the last run: which of them would have told you the samples improved?",
                ko: "마지막 실행을 다른 지표로 재 보세요. 어느 지표가 샘플이 좋아졌다고 알려 주었을까요?"),
            tryCommands: ["metric mmd", "metric energy", "metric precision-recall"]),
        TourLesson(
            section: .remedy(1), script: "remedy-1-feature-matching.gan",
            idea: TourText(
                en: "Feature matching (Salimans et al. 2016) gives G a target that does not jump to wherever D is weakest today: match the mean of D's last hidden features on real data. The small ring8 GAN that collapses with the plain non-saturating loss covers six or more of the eight modes with it, over three seeds.",
                ko: "Feature matching(Salimans 등 2016)은 G에게 D가 지금 가장 약한 곳으로 튀지 않는 목표를 줍니다. 진짜 데이터에서 D의 마지막 은닉층 특징의 평균을 맞추는 것입니다. 보통의 non-saturating loss로는 붕괴하는 작은 ring8 GAN이 이 방법으로 세 시드 모두에서 여덟 모드 중 여섯 개 이상을 덮습니다."),
            picture: ["seed 3", "step 1000", "plot samples"],
            tryNext: TourText(
                en: "The last seed again without the trick: compare its picture with the one above.",
                ko: "트릭 없이 마지막 시드를 다시 학습하고, 그림을 위의 그림과 비교해 보세요."),
            tryCommands: ["trick off feature-matching", "seed 3", "step 1000", "plot samples"]),
        TourLesson(
            section: .remedy(2), script: "remedy-2-minibatch-discrimination.gan",
            idea: TourText(
                en: "Minibatch discrimination (Salimans et al. 2016) gives D, for each sample, how close it is to the others in its batch. A collapsed G makes batches of near-copies, which D can now see, so G is pushed to spread out. After 500 iterations the plain GAN has collapsed and the one with the layer finds seven or eight modes.",
                ko: "Minibatch discrimination(Salimans 등 2016)은 D에게 각 샘플이 배치 안의 다른 샘플들과 얼마나 가까운지를 함께 줍니다. 붕괴한 G는 거의 같은 샘플들로 된 배치를 만드는데, 이제 D가 그것을 알아볼 수 있으므로 G는 퍼지도록 밀려납니다. 500번 학습 후 보통의 GAN은 붕괴하고, 이 층을 넣은 GAN은 일곱 개나 여덟 개의 모드를 찾습니다."),
            picture: [],
            tryNext: TourText(
                en: "A smaller layer: how small can it be and still help?",
                ko: "층을 더 작게 해 보세요. 얼마나 작아도 여전히 도움이 되나요?"),
            tryCommands: ["trick on minibatch-discrimination kernels=2 dims=2", "seeds 1,2,3 { step 500; metric modes }"]),
        TourLesson(
            section: .remedy(3), script: "remedy-3-historical-averaging.gan",
            idea: TourText(
                en: "Historical averaging (Salimans et al. 2016) pulls each player towards the mean of its own past parameters, λ·‖θ − θ̄‖², which damps the orbiting of simultaneous gradient steps. In the x·y game and the Dirac-GAN the spiral becomes convergence. On a network GAN it is a partial remedy: G spreads over more modes and evens out its mass, but fewer samples land near a mode.",
                ko: "Historical averaging(Salimans 등 2016)은 각 플레이어를 자기 과거 파라미터의 평균 쪽으로 끌어당기는 항 λ·‖θ − θ̄‖²을 loss에 더해, 동시 업데이트의 맴도는 움직임을 줄입니다. x·y 게임과 Dirac-GAN에서는 나선이 수렴으로 바뀝니다. 네트워크 GAN에서는 부분적인 해결책입니다. G가 더 많은 모드로 퍼지고 질량을 고르게 나누지만, 모드 가까이 떨어지는 샘플은 줄어듭니다."),
            picture: ["seed 3", "step 1000", "plot samples"],
            tryNext: TourText(
                en: "The trick's default strength on the network: is it enough?",
                ko: "네트워크에서 트릭의 기본 세기로 해 보세요. 충분한가요?"),
            tryCommands: ["trick on historical-averaging lambda=1e-3", "seeds 1,2,3 { step 1000; metric modes }"]),
        TourLesson(
            section: .remedy(4), script: "remedy-4-label-smoothing.gan",
            idea: TourText(
                en: "One-sided label smoothing (Salimans et al. 2016) gives D the target 0.9 instead of 1 for real samples and keeps 0 for fakes. The optimal D then stops at a logit of log 9 ≈ 2.197 where only data lies, instead of growing without bound. Smoothing the fake side too (target 0.1) is shown last: where G puts mass and there is no data, D then still calls G's samples real with probability 0.1, which rewards G's current mistakes; that is why the smoothing is one-sided.",
                ko: "One-sided label smoothing(Salimans 등 2016)은 진짜 샘플에 대한 D의 목표를 1 대신 0.9로 하고 가짜의 목표는 0으로 둡니다. 그러면 최적의 D는 데이터만 있는 곳에서 끝없이 커지지 않고 logit log 9 ≈ 2.197에서 멈춥니다. 마지막에는 가짜 쪽도 부드럽게 하면(목표 0.1) 어떻게 되는지 봅니다. 데이터는 없고 G의 샘플만 있는 곳에서도 D가 여전히 0.1의 확률로 진짜라고 말해 주어 G의 현재 실수에 보상을 주게 됩니다. 그래서 한쪽만 부드럽게 합니다."),
            picture: ["plot critic"],
            tryNext: TourText(
                en: "A stronger smoothing, α = 0.7: where should critic.real end? (log(0.7/0.3) ≈ 0.847)",
                ko: "더 강하게, α = 0.7로 부드럽게 해 보세요. critic.real은 어디서 멈춰야 할까요? (log(0.7/0.3) ≈ 0.847)"),
            tryCommands: ["trick on label-smoothing alpha=0.7", "seed 1", "step 500", "metric critic"]),
        TourLesson(
            section: .remedy(5), script: "remedy-5-virtual-batch-norm.gan",
            idea: TourText(
                en: "Batch normalisation helps G train but makes each generated sample depend on the other samples of its batch. Virtual batch normalisation (Salimans et al. 2016) normalises with a reference batch fixed at the start instead. metric batch-dependence measures the mechanism directly: how far a sample moves when its batch-mates change. It is exactly 0 without normalisation and under VBN, about a tenth of the data's spread under batch norm, and VBN keeps the modes that batch norm found.",
                ko: "Batch normalization은 G의 학습을 돕지만, 생성된 각 샘플이 같은 배치의 다른 샘플에 따라 달라지게 만듭니다. Virtual batch normalization(Salimans 등 2016)은 그 배치 대신 학습 초기에 한 번 고른 고정된 기준 배치로 정규화합니다. metric batch-dependence는 이 메커니즘을 직접 잽니다. 배치의 다른 샘플이 바뀔 때 한 샘플이 얼마나 움직이는지입니다. 정규화가 없을 때와 VBN에서는 정확히 0이고, batch norm에서는 데이터 퍼짐의 약 10분의 1이며, VBN은 batch norm이 찾은 모드를 그대로 지킵니다."),
            picture: ["seed 3", "step 1000", "plot samples"],
            tryNext: TourText(
                en: "A reference batch of 8 instead of 64: is it still enough?",
                ko: "기준 배치를 64 대신 8로 해 보세요. 그래도 충분한가요?"),
            tryCommands: ["trick on vbn players=G reference=8", "seeds 1,2,3 { step 1000; metric modes; metric batch-dependence }"]),
        TourLesson(
            section: .remedy(6), script: "remedy-6-instance-noise.gan",
            idea: TourText(
                en: "Adding noise to every sample D sees (Arjovsky & Bottou 2017; Sønderby et al. 2016) makes the real and generated distributions overlap, so D can no longer separate them perfectly and its gradient does not vanish. On WGAN's parallel lines with the minimax loss, G without noise stays where it started (W1 ≈ 1); with σ = 0.3 it walks to the data. In the Dirac-GAN the same remedy turns an orbit of radius 3.1 into convergence.",
                ko: "D가 보는 모든 샘플에 노이즈를 더하면 (Arjovsky & Bottou 2017; Sønderby 등 2016) 진짜 분포와 생성 분포가 겹치게 되어, D가 더 이상 둘을 완벽하게 구분하지 못하고 그라디언트도 사라지지 않습니다. WGAN의 평행선 데이터에서 minimax loss로 학습하면 노이즈가 없을 때 G는 제자리에 머물고 (W1 ≈ 1), σ = 0.3의 노이즈가 있으면 데이터까지 걸어갑니다. Dirac-GAN에서도 같은 방법이 반지름 3.1의 궤도를 수렴으로 바꿉니다."),
            picture: ["plot games"],
            tryNext: TourText(
                en: "Less noise in the Dirac-GAN: how much does convergence need?",
                ko: "Dirac-GAN에서 노이즈를 줄여 보세요. 수렴하려면 얼마나 필요한가요?"),
            tryCommands: ["game dirac noise=0.2", "step 500", "plot games"]),
        TourLesson(
            section: .remedy(7), script: "09-earth-movers-distance.gan",
            idea: TourText(
                en: "The earth mover's distance is the least work needed to move one pile of earth into the shape of another. The document's example moves P = 3, 2, 1, 4 onto Q = 1, 2, 4, 3, bins one unit apart: carrying what is left over from bin to bin, 2 + 2 + 1 = 5 units of work. emd prints that distance and the plan that attains it.",
                ko: "Earth mover's distance는 흙더미 하나를 다른 흙더미 모양으로 옮기는 데 드는 최소의 일입니다. 문서의 예는 한 칸씩 떨어진 구간에서 P = 3, 2, 1, 4를 Q = 1, 2, 4, 3으로 옮깁니다. 남는 흙을 칸에서 칸으로 나르면 2 + 2 + 1 = 5만큼의 일이 듭니다. emd는 그 거리와 그것을 이루는 운송 계획을 출력합니다."),
            picture: [],
            tryNext: TourText(
                en: "Move all the earth to the far end: how does the work grow with the distance carried?",
                ko: "흙을 모두 반대쪽 끝으로 옮겨 보세요. 나르는 거리에 따라 일이 어떻게 늘어나나요?"),
            tryCommands: ["emd p=10,0,0,0 q=0,0,0,10"]),
        TourLesson(
            section: .remedy(7), script: "08-wgan-example-1.gan",
            idea: TourText(
                en: "WGAN's Example 1, computed exactly: two parallel segments of the plane, θ apart. For every θ ≠ 0, KL is infinite, JS is log 2 and the total variation is 1, however small θ is; only the Wasserstein distance, |θ|, shrinks smoothly as the segments approach. That is why a loss built on W gives G a gradient where one built on JS does not.",
                ko: "WGAN 논문의 Example 1을 정확히 계산합니다. 평면 위에 θ만큼 떨어진 평행한 두 선분이 있습니다. θ ≠ 0이면 θ가 아무리 작아도 KL은 무한대, JS는 log 2, total variation은 1입니다. Wasserstein 거리 |θ|만이 두 선분이 가까워지면서 부드럽게 줄어듭니다. 그래서 W에 기반한 loss는 JS에 기반한 loss가 주지 못하는 그라디언트를 G에 줍니다."),
            picture: [],
            tryNext: TourText(
                en: "Zoom in around θ = 0: does anything but W1 change before the segments meet?",
                ko: "θ = 0 근처를 확대해 보세요. 두 선분이 만나기 전에 W1 말고 변하는 값이 있나요?"),
            tryCommands: ["divergence parallel-lines sweep=theta:-0.1..0.1 points=9 show=w1,js,tv"]),
        TourLesson(
            section: .remedy(7), script: "remedy-7-wasserstein.gan",
            idea: TourText(
                en: "The JS divergence means nothing when the supports do not overlap; the Wasserstein (earth mover's) distance stays informative and gives G a gradient towards every mode it misses. WGAN-GP trains its critic five times per G update, and that alone explains most of its gain in modes, so the comparison is made at equal critic steps: both find all eight modes, and the Wasserstein loss spreads G's mass evenly over them (a small reverse KL).",
                ko: "두 분포의 support가 겹치지 않으면 JS divergence는 의미 있는 값을 주지 않습니다. Wasserstein(earth mover's) 거리는 그때도 정보를 주며, G가 놓친 모든 모드 쪽으로 그라디언트를 줍니다. WGAN-GP는 G를 한 번 업데이트할 때 critic을 다섯 번 학습하는데, 모드가 늘어나는 것의 대부분은 그것만으로 설명됩니다. 그래서 같은 critic 스텝 수에서 비교합니다. 둘 다 여덟 모드를 모두 찾고, Wasserstein loss는 G의 질량을 모드에 고르게 나눕니다 (작은 reverse KL)."),
            picture: ["seed 3", "step 1000", "plot samples"],
            tryNext: TourText(
                en: "The original WGAN, with weight clipping, at the same critic steps: how does it compare?",
                ko: "weight clipping을 쓰는 원래의 WGAN을 같은 critic 스텝으로 해 보세요. 어떻게 다른가요?"),
            tryCommands: ["loss wgan clip=0.01 critic_steps=5", "seeds 1,2,3 { step 1000; metric modes }"]),
        TourLesson(
            section: .remedy(7), script: "lipschitz-clipping-vs-gradient-penalty.gan",
            idea: TourText(
                en: "The Wasserstein distance needs a 1-Lipschitz critic. Weight clipping keeps it Lipschitz by leaving it almost no room: at c = 0.01 most of its weights pile up at ±c and its slope ‖∇ₓD‖ ends far below 1 everywhere, a critic too simple to measure W1 (Gulrajani et al. 2017, Figure 1). The gradient penalty holds ‖∇ₓD‖ near 1 between real and generated samples instead, with the weights spread out; metric lipschitz and plot weights show both.",
                ko: "Wasserstein 거리에는 1-Lipschitz critic이 필요합니다. Weight clipping은 critic에 거의 여유를 주지 않는 방식으로 Lipschitz 조건을 지킵니다. c = 0.01에서는 대부분의 가중치가 ±c에 몰리고 기울기 ‖∇ₓD‖가 모든 곳에서 1보다 훨씬 작아져, W1을 재기에는 너무 단순한 critic이 됩니다 (Gulrajani 등 2017, Figure 1). Gradient penalty는 대신 진짜와 가짜 샘플 사이에서 ‖∇ₓD‖를 1 근처로 유지하고 가중치는 고르게 퍼집니다. metric lipschitz와 plot weights가 둘을 보여 줍니다."),
            picture: [],
            tryNext: TourText(
                en: "Clipping at a wider bound, c = 0.1: do the weights still pile up at the bounds?",
                ko: "clipping 한계를 c = 0.1로 넓혀 보세요. 가중치가 여전히 한계에 몰리나요?"),
            tryCommands: ["loss wgan clip=0.1", "seed 1", "step 300", "metric lipschitz", "plot weights"]),
        TourLesson(
            section: .remedy(7), script: "wgan-gp-vs-gan-frechet-distance.gan",
            idea: TourText(
                en: "Gulrajani et al. (2017, Figure 3) found on CIFAR-10 that a DCGAN with the usual GAN loss converges sooner in wall-clock time than WGAN-GP, whose score is steadier once it has converged. Here the same small convolutional G and D learn Fashion-MNIST under both losses for the same time, judged by the Fréchet distance in the features of a classifier the script trains first. A WGAN-GP iteration costs about four GAN iterations: in 400 of them its distance falls at nearly every measurement, to about a quarter of its first value, while the GAN's 1600 bring it to a tenth and it stops falling after about 800. Trained for as many iterations as the GAN (1600, four times the cost; two seeds), WGAN-GP ends lower, at 22–24 against 32–34.",
                ko: "Gulrajani 등(2017, Figure 3)은 CIFAR-10에서 보통의 GAN loss를 쓰는 DCGAN이 WGAN-GP보다 실제 시간으로 더 빨리 수렴하지만, 수렴한 뒤에는 WGAN-GP의 점수가 더 안정적이라는 것을 보였습니다. 여기서는 같은 작은 합성곱 G와 D를 두 loss로 같은 시간 동안 Fashion-MNIST에서 학습하고, 스크립트가 먼저 학습시킨 분류기의 특징 공간에서 Fréchet distance로 평가합니다. WGAN-GP의 반복 한 번은 GAN 반복 네 번만큼의 비용이 듭니다. 400번 반복하는 동안 WGAN-GP의 거리는 거의 측정할 때마다 줄어 처음 값의 4분의 1쯤이 되고, GAN은 1600번 반복으로 10분의 1까지 내려가지만 800번째 반복쯤부터는 더 줄지 않습니다. GAN과 같은 1600번을 학습하면 (비용은 네 배, 두 시드) WGAN-GP는 GAN의 32–34보다 낮은 22–24에서 끝납니다."),
            picture: ["plot history fd.fd", "plot samples rows=1 columns=2", "restore wgan-gp-400", "plot history fd.fd",
                      "plot samples rows=1 columns=2"],
            tryNext: TourText(
                en: "WGAN-GP from where it stopped, 400 iterations more (about 15 s): does its distance keep falling, down to the GAN's?",
                ko: "WGAN-GP를 멈춘 곳에서 400번 더 학습해 보세요 (약 15초). 거리가 계속 줄어 GAN의 거리까지 내려가나요?"),
            tryCommands: ["repeat 8 { step 50; metric fd classifier=fd-classifier.safetensors n=1000 }", "plot history fd.fd"]),
    ]
}
